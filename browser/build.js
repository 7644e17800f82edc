// The site's one browser build step: bundle the book's widget manager (widgets/index.js) and its
// stylesheet (widgets/widgets.css) with esbuild.
// Usage: node browser/build.js OUTDIR   (tools/bundle_assets.py runs it after npm ci)
// Writes OUTDIR/widgets.js and OUTDIR/widgets.css (+ any font/image the CSS names), minified, no
// source maps; prints the bytes of each input package so a new dependency that adds weight shows.
"use strict";
const path = require("path");
const esbuild = require("esbuild");

const outdir = process.argv[2];
if (!outdir) {
  console.error("usage: node browser/build.js OUTDIR");
  process.exit(2);
}
const here = __dirname;
const nodeModules = path.resolve(here, "..", "node_modules");

const common = {
  bundle: true,
  minify: true,
  legalComments: "external", // the bundled packages' licence notices: widgets.LEGAL.txt
  nodePaths: [nodeModules],
  outdir,
  metafile: true,
  logLevel: "warning",
  target: ["es2020"],
};

async function main() {
  const js = await esbuild.build({
    ...common,
    entryPoints: { widgets: path.join(here, "widgets", "index.js") },
    format: "iife",
    define: { "process.env.NODE_ENV": '"production"', global: "window" },
  });
  const css = await esbuild.build({
    ...common,
    entryPoints: { widgets: path.join(here, "widgets", "widgets.css") },
    loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file", ".png": "file", ".gif": "file" },
    assetNames: "[name]-[hash]",
  });
  // Live code (browser/live/, issue 30): the page's button and editor, and the Python worker, into
  // OUTDIR/../live/ (the site's _static/bundled/live/); kernel.py is bundled into the worker as text.
  const live = await esbuild.build({
    ...common,
    outdir: path.join(outdir, "..", "live"),
    entryPoints: { live: path.join(here, "live", "index.js"), "live-worker": path.join(here, "live", "worker.js") },
    format: "iife",
    loader: { ".py": "text", ".css": "text" },
  });
  // Self-check questions (browser/selfcheck/, issue 28): script and stylesheet into
  // OUTDIR/../selfcheck/ (the site's _static/bundled/selfcheck/), added by tools/sphinx_selfcheck.py.
  const selfcheck = await esbuild.build({
    ...common,
    outdir: path.join(outdir, "..", "selfcheck"),
    entryPoints: [path.join(here, "selfcheck", "selfcheck.js"), path.join(here, "selfcheck", "selfcheck.css")],
  });
  const packages = {};
  for (const result of [js, css, live, selfcheck]) {
    for (const out of Object.values(result.metafile.outputs)) {
      for (const [file, input] of Object.entries(out.inputs || {})) {
        const m = file.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
        const key = m ? m[1] : path.basename(file);
        packages[key] = (packages[key] || 0) + input.bytesInOutput;
      }
    }
  }
  const rows = Object.entries(packages).sort((a, b) => b[1] - a[1]);
  for (const [name, bytes] of rows) console.log(`${(bytes / 1e3).toFixed(1).padStart(8)} kB  ${name}`);
  for (const result of [js, css, live, selfcheck]) {
    for (const [file, out] of Object.entries(result.metafile.outputs)) {
      console.log(`widget manager: ${file} ${(out.bytes / 1e3).toFixed(1)} kB`);
    }
  }
}

main().catch((err) => {
  console.error(err.message || err);
  process.exit(1);
});
