# Vointi service image (docs/operations.md, "Container image"). Build the jar first, then the image:
#   ./mvnw -q -DskipTests package && docker build -t vointi:0.1.0 .
# Single stage: the shaded jar is all the service needs. Runs as a non-root user on a read-only root file system;
# the only writable place is /tmp (Netty's native libraries, the JVM's temporary files), mounted as an emptyDir in
# Kubernetes (deploy/k8s/deployment.yaml) or with `docker run --read-only --tmpfs /tmp`.
FROM eclipse-temurin:17-jre

# a fixed uid/gid with no login and no home, not present in /etc/passwd: nothing in the image belongs to it
USER 10001:10001
WORKDIR /app
COPY --chown=0:0 service/target/vointi-service.jar /app/vointi-service.jar

# The container's memory limit decides the heap: 75 % of it, the rest for metaspace, threads, Netty's direct buffers
# and the JIT. An OutOfMemoryError ends the process (the platform restarts it) instead of leaving it half alive.
# Operators add flags with JAVA_TOOL_OPTIONS; configuration comes from the environment (README, "Configuration").
ENV MICRONAUT_ENVIRONMENTS=postgres \
    VOINTI_PORT=8080 \
    VOINTI_MANAGEMENT_PORT=8081 \
    VOINTI_LOG_FORMAT=json
EXPOSE 8080 8081
# exec form: java is PID 1 and gets the platform's SIGTERM itself (a graceful stop; the audit writer drains its queue)
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-XX:InitialRAMPercentage=50.0", "-XX:+ExitOnOutOfMemoryError", \
            "-Djava.io.tmpdir=/tmp", "-jar", "/app/vointi-service.jar"]
