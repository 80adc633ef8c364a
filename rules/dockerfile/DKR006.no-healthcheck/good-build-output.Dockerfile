FROM alpine:3.20 AS gen
RUN apk add --no-cache openssl \
 && mkdir /certs \
 && openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=test -keyout /certs/key.pem -out /certs/cert.pem

FROM scratch
COPY --from=gen /certs /
