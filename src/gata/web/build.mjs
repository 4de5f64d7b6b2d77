// `make setup` runs this after `npm ci`: the vendor libraries whose npm builds are many modules or unminified
// become one minified ES module each under build/vendor (gitignored), served by gata.web.routers.assets.
// Our own modules are not built: they are served as written. See docs/decisions.md (#48).
import { build } from "esbuild";

const BUNDLES = {
  // Chart.js's ESM build (412 kB, two files plus @kurkle/color); its minified build is UMD only
  "chart.js": "chart.js",
  // apache-arrow's browser build, Arrow.dom.mjs (about 150 modules), with flatbuffers and tslib
  "apache-arrow.js": "apache-arrow",
  "hyparquet.js": "hyparquet",
};

await Promise.all(
  Object.entries(BUNDLES).map(([out, entry]) =>
    build({
      entryPoints: [entry],
      outfile: `build/vendor/${out}`,
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      legalComments: "inline",
      logLevel: "warning",
    }),
  ),
);
