FROM alpine:3.20
USER 10001
HEALTHCHECK --interval=1m CMD nc -z 127.0.0.1 9050 || exit 1
CMD ["tor"]
