#!/usr/bin/env bash
# build-spa.sh: builds the SPA (release) into frontend/dist, split into chunks.
#
# What Trunk did, plus the split it cannot do: cargo builds the WASM (with relocations,
# `--emit-relocs` in .cargo/config.toml), wasm-split-cli cuts each chunk's split function
# (frontend/src/chunks.rs) and the code only chunks share out of the main module,
# wasm-bindgen writes the JS glue for the main module, wasm-opt shrinks every module,
# and the assets get content hashes: the modules in a `pkg-<hash>/` directory (their
# names are fixed, and the server caches assets for good), the CSS and the icon in
# their names. frontend/index.html is the page, with %PKG%, %CSS% and %ICON% for the
# hashed paths. Every asset is also written gzipped (`.gz`), which the server sends
# when the browser accepts it. The tools are pinned by scripts/ensure-tools.sh (the
# Makefile runs it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
name=omni-admin-frontend
target_dir=${CARGO_TARGET_DIR:-$root/target}
log() { echo "build-spa: $*" >&2; }

cargo build -p "$name" --bin "$name" --target wasm32-unknown-unknown --profile wasm-release
wasm="$target_dir/wasm32-unknown-unknown/wasm-release/$name.wasm"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg="$stage/pkg"
# The main module ($name.wasm), split_<chunk>.wasm, chunk_<n>.wasm (code several chunks
# share) and __wasm_split.js, which fetches a chunk and what it needs when it is called.
wasm-split-cli --target web --out-name "$name" "$wasm" "$pkg"
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
  --out-dir "$pkg" --out-name "$name" "$pkg/$name.wasm"
rm "$pkg/$name.wasm"
log "wasm-opt -Oz on $(find "$pkg" -name '*.wasm' | wc -l) modules"
# The split keeps the features the linker enabled; wasm-opt must be told them.
find "$pkg" -name '*.wasm' -print0 |
  xargs -0 -P "$(nproc)" -I{} wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int {} -o {} 2> >(grep -v 'unknown name subsection' >&2)

# A module left importing the placeholder would fail to load: the split did not happen.
if grep -q "__wasm_split_placeholder__" "$pkg/${name}_bg.wasm"; then
  log "the main module still imports __wasm_split_placeholder__: the split failed"
  exit 1
fi

hash() { sha256sum | cut -c1-16; }
pkg_hash=$(cd "$pkg" && find . -type f | LC_ALL=C sort | xargs sha256sum | hash)
dist=frontend/dist
rm -rf "$dist"
mkdir -p "$dist"
mv "$pkg" "$dist/pkg-$pkg_hash"
# The style sheets in cascade order, as one file.
css=(frontend/style.css frontend/style/{settings,security,mcp,tenants,analytics,usage,live,config}.css)
css_hash=$(cat "${css[@]}" | hash)
cat "${css[@]}" > "$dist/app-$css_hash.css"
icon_hash=$(hash < frontend/favicon.svg)
cp frontend/favicon.svg "$dist/favicon-$icon_hash.svg"
sed -e "s|%PKG%|/pkg-$pkg_hash|g" -e "s|%CSS%|/app-$css_hash.css|g" -e "s|%ICON%|/favicon-$icon_hash.svg|g" \
  frontend/index.html > "$dist/index.html"
# Each asset gzipped beside it too; the server sends that copy to browsers that take gzip.
find "$dist" -type f ! -name index.html -exec gzip -9 -k {} +
log "built $dist (pkg-$pkg_hash)"
