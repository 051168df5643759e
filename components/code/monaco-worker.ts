// Monaco's editor worker (word suggestions, diffs), bundled from the local package and served by the app.
import 'monaco-editor/editor/editor.worker.js';
