FROM tonistiigi/xx:1.5 AS xx
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
COPY --from=xx / /
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
COPY keys/hs_ed25519_public_key /usr/share/onion/
