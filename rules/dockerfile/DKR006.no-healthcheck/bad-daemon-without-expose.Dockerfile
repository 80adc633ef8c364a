FROM alpine:3.20
RUN apk add --no-cache tor
USER tor
# No EXPOSE and an exec-form ENTRYPOINT, like a tool image, but tor keeps running.
ENTRYPOINT ["/usr/bin/tor"]
CMD ["-f", "/etc/tor/torrc"]
