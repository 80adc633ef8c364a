FROM alpine:3.20
RUN apk add --no-cache jq
USER 65534
# Used as 'docker run --rm -i image .field < file.json': jq reads, prints and exits.
ENTRYPOINT ["jq"]
CMD ["."]
