# syntax=docker/dockerfile:1
# Omni Admin: the API binary serving the built SPA. Build: docker build -t omni-admin .

FROM rust:1.95-bookworm AS build
ARG WASM_SPLIT_VERSION=0.2.4
ARG WASM_BINDGEN_VERSION=0.2.130
RUN rustup target add wasm32-unknown-unknown \
 && cargo install wasm_split_cli_support --version "${WASM_SPLIT_VERSION}" --features build-binary --locked \
 && cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}" \
 && apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Queries are checked against the committed .sqlx/ data: no database at build time.
ENV SQLX_OFFLINE=true CARGO_TARGET_DIR=/src/target
RUN cd frontend && npm ci --no-audit --no-fund \
 && cd .. && PATH="$PWD/frontend/node_modules/.bin:$PATH" scripts/build-spa.sh
RUN cargo build --release -p omni-admin

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /app omni
WORKDIR /app
COPY --from=build /src/target/release/omni-admin /usr/local/bin/omni-admin
COPY --from=build /src/frontend/dist /app/dist
ENV OMNI_ENV=production OMNI_HOST=0.0.0.0 OMNI_PORT=8080 OMNI_STATIC_DIR=/app/dist
USER omni
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["omni-admin"]
CMD ["serve"]
