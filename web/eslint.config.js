// ESLint (flat config) for the web app: the recommended rules, browser globals, ES modules.
// Kept pragmatic: rules that find bugs, not matters of taste (formatting is not linted).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", "build/"] },
  js.configs.recommended,
  {
    files: ["src/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser, L: "readonly" },
    },
    rules: {
      "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
      eqeqeq: ["error", "smart"],
      "no-implicit-globals": "error",
    },
  },
  {
    files: ["test/**/*.mjs", "build.mjs", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
  },
];
