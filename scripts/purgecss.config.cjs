// PurgeCSS configuration for static/vendor/bootstrap/bootstrap.purged.min.css, the only
// Bootstrap stylesheet the pages link. Run through scripts/build_css.sh (which sets
// SITE_PACKAGES); the output is committed, so neither the tests nor a deployment need npm.
//
// A Bootstrap rule is kept when every class, element and attribute of one of its
// selectors appears as a word in the files below: our templates and scripts, the Python
// that writes class names (widgets, template tags, forms), the templates of the packages
// that render our forms (crispy-forms' bootstrap5 pack, django-filter).
// Classes a template builds from a value ("alert-{{ tag }}", "text-bg-{% if %}...") and
// the states Bootstrap's scripts toggle are kept by the safelist. The pages use one
// Bootstrap plugin, collapse (the navbar toggler); Bootstrap's JavaScript is not scanned
// (it names every component's run-time classes: tooltips, popovers, carousels... about
// 9 KB of rules no page has). A page that starts using another plugin (dropdown, modal,
// toast) needs the classes that plugin adds at run time in the safelist below;
// pkh/tests/test_purged_css.py checks the classes written in templates.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const sitePackages = process.env.SITE_PACKAGES;
if (!sitePackages) {
  throw new Error("SITE_PACKAGES is not set: run scripts/build_css.sh");
}
const apps = [
  "accounts", "assistance", "fds_sessions", "graduation", "households", "imports", "pkh", "reports",
];

// Custom properties our own stylesheet reads (var(--bs-danger) ...): PurgeCSS sees only
// the Bootstrap file, so it would drop a variable that only app.css uses.
const appCss = fs.readFileSync(path.join(root, "static/css/app.css"), "utf8");
const appVariables = [...new Set([...appCss.matchAll(/var\((--[\w-]+)/g)].map((m) => m[1]))];

module.exports = {
  css: [path.join(root, "static/vendor/bootstrap/bootstrap.min.css")],
  content: [
    path.join(root, "templates/**/*.html"),
    path.join(root, "static/js/**/*.js"),
    ...apps.map((app) => path.join(root, app, "**/*.py")),
    ...apps.map((app) => path.join(root, app, "templates/**/*.html")),
    path.join(sitePackages, "crispy_bootstrap5/templates/bootstrap5/**/*.html"),
    path.join(sitePackages, "crispy_forms/templates/**/*.html"),
    path.join(sitePackages, "django_filters/templates/**/*.html"),
    path.join(sitePackages, "django_filters/widgets.py"),
    path.join(sitePackages, "django/forms/templates/django/forms/**/*.html"),
  ],
  // Unused @font-face, @keyframes and custom properties go too (Bootstrap declares about
  // 300 variables on :root).
  fontFace: true,
  keyframes: true,
  variables: true,
  safelist: {
    standard: [
      // States that Bootstrap's scripts and our templates switch on and off.
      "show", "showing", "hiding", "collapse", "collapsing", "collapse-horizontal", "fade",
      "active", "disabled", "open",
      "modal", "modal-open", "modal-backdrop", "modal-static",
      "is-invalid", "is-valid", "was-validated", "invalid-feedback", "valid-feedback",
      // Colours built from a value in a template (alert-{{ message.tags }},
      // text-bg-{% if %}...), and buttons of every colour.
      /^alert-/, /^text-bg-/, /^btn-/,
    ],
    variables: appVariables,
  },
};
