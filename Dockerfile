# A small image with the keyhound binary: `docker run --rm -v "$PWD:/src" -w /src keyhound scan .`
# Built statically against musl in the builder stage, copied onto an empty base with git's CA-free needs:
# keyhound reads git itself (gix), so the image needs no git, no shell and no libc.
FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin keyhound \
 && strip target/release/keyhound

FROM scratch
COPY --from=build /src/target/release/keyhound /keyhound
WORKDIR /src
ENTRYPOINT ["/keyhound"]
CMD ["scan", "."]
