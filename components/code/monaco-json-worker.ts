// Monaco's JSON language worker (validation against a JSON schema, completion, hover), bundled from the
// local package and served by the app.
import 'monaco-editor/language/json/json.worker.js';
