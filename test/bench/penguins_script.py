"""The example pipeline (server/examples/penguin-species.json) as a plain pandas + scikit-learn script:
load penguins, split 80/20 stratified by species, fit a 100-tree random forest with the same
preprocessing, measure accuracy on the test rows, and save the model if accuracy >= 0.9.
test/bench/train.ts times this whole process (interpreter start and imports included) against a run
of the pipeline.

Usage: python penguins_script.py PENGUINS_JSON OUT_DIR
"""

import json
import os
import sys

import joblib
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

df = pd.read_json(sys.argv[1])
df = df[df["Species"].notna()]
train, test = train_test_split(df, test_size=0.2, random_state=7, stratify=df["Species"])
features = [c for c in df.columns if c != "Species"]
numbers = [c for c in features if pd.api.types.is_numeric_dtype(df[c])]
texts = [c for c in features if c not in numbers]
pre = ColumnTransformer(
    [
        ("num", SimpleImputer(strategy="median"), numbers),
        ("txt", Pipeline([("impute", SimpleImputer(strategy="constant", fill_value="__missing__")), ("onehot", OneHotEncoder(handle_unknown="ignore"))]), texts),
    ]
)
model = Pipeline([("pre", pre), ("model", RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=-1))])
model.fit(train[features], train["Species"])
accuracy = accuracy_score(test["Species"], model.predict(test[features]))
deployed = accuracy >= 0.9
if deployed:
    os.makedirs(sys.argv[2], exist_ok=True)
    joblib.dump(model, os.path.join(sys.argv[2], "model.joblib"))
print(json.dumps({"accuracy": accuracy, "deployed": deployed}))
