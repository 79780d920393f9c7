# Vointi service image (docs/operations.md, "Container image"). Build the jar first, then the image:
#   ./mvnw -q -DskipTests package && docker build -t vointi:0.1.0 .
# Two stages: the first makes the JVM's AOT cache of the service with a training run (deploy/cds-archive.sh,
# docs/operations.md "Faster start-up"; the cache fits only this JVM build and this jar, so it is made here), the
# second is the image. The code is Java 17; the image runs it on JDK 25 for the AOT cache (JEP 483/514/515: classes
# loaded and linked ahead, with the training run's method profiles), which halves a restart against JDK 17.
# Runs as a non-root user on a read-only root file system; the only writable place is /tmp (Netty's native libraries,
# the JVM's temporary files), mounted as an emptyDir in Kubernetes (deploy/k8s/deployment.yaml) or with
# `docker run --read-only --tmpfs /tmp`.
FROM eclipse-temurin:25-jre AS training
WORKDIR /app
COPY service/target/vointi-service.jar /app/vointi-service.jar
COPY deploy/cds-archive.sh /app/cds-archive.sh
RUN sh /app/cds-archive.sh /app/vointi-service.jar /app/vointi.aot

FROM eclipse-temurin:25-jre

# a fixed uid/gid with no login and no home, not present in /etc/passwd: nothing in the image belongs to it
USER 10001:10001
WORKDIR /app
# both from the training stage: the cache records the jar's size and time and is ignored if they differ
COPY --from=training --chown=0:0 /app/vointi-service.jar /app/vointi-service.jar
COPY --from=training --chown=0:0 /app/vointi.aot /app/vointi.aot

# The container's memory limit decides the heap: 75 % of it, the rest for metaspace, threads, Netty's direct buffers
# and the JIT. An OutOfMemoryError ends the process (the platform restarts it) instead of leaving it half alive.
# Operators add flags with JAVA_TOOL_OPTIONS; configuration comes from the environment (README, "Configuration").
ENV MICRONAUT_ENVIRONMENTS=postgres \
    VOINTI_PORT=8080 \
    VOINTI_MANAGEMENT_PORT=8081 \
    VOINTI_LOG_FORMAT=json
EXPOSE 8080 8081
# exec form: java is PID 1 and gets the platform's SIGTERM itself (a graceful stop; the audit writer drains its queue)
ENTRYPOINT ["java", "-XX:AOTCache=/app/vointi.aot", "-XX:MaxRAMPercentage=75.0", "-XX:InitialRAMPercentage=50.0", "-XX:+ExitOnOutOfMemoryError", \
            "-Djava.io.tmpdir=/tmp", "-jar", "/app/vointi-service.jar"]
