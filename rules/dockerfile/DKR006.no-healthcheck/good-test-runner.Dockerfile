FROM mcr.microsoft.com/playwright:v1.48.0-noble
WORKDIR /tests
COPY . .
RUN npm ci
ENTRYPOINT ["/usr/bin/npx", "playwright"]
CMD ["test"]
