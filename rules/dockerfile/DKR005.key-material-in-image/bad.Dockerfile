FROM alpine:3.20
COPY hidden_service/hs_ed25519_secret_key /var/lib/tor/hidden_service/
