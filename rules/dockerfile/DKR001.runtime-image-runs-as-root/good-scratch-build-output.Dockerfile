FROM golang:1.23-alpine AS build
WORKDIR /src
COPY . .
RUN go build -o /out/tool ./cmd/tool

# Build output for 'docker build --output': copied out, never run.
FROM scratch
COPY --from=build /out/tool /
