#!/usr/bin/env bash
# One adaptive CAT step (issue #4), JMH: a 100-item 5-category GRM bank, 81 quadrature points, EAP,
# maximum-information selection. Builds the service with the jmh profile (benchmarks compiled into the
# shaded jar) and runs fi.vointi.cat.CatStepBenchmark in one fork; JMH options given to the script are
# passed on and override the defaults below.
#
#   bench/cat-step.sh                            # both benchmarks, answersSoFar = 1, 5, 11
#   bench/cat-step.sh -p answersSoFar=11         # one length only
#   bench/cat-step.sh -prof gc                   # add allocation figures
#   SKIP_BUILD=1 bench/cat-step.sh               # reuse the jar of a previous -Pjmh build
#
# The jar built here is a working service jar plus JMH; rebuild without -Pjmh before shipping it.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=service/target/vointi-service.jar
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q -Pjmh -pl service -DskipTests package
fi
if ! unzip -l "$JAR" META-INF/BenchmarkList > /dev/null 2>&1; then
  echo "$JAR holds no JMH benchmarks: build it with -Pjmh (run without SKIP_BUILD=1)" >&2
  exit 1
fi
mkdir -p target
# 2 cores: one fork, one benchmark thread; 5 x 1 s warm-up and 10 x 1 s measured per benchmark and length.
# SampleTime reports the median (p0.50) and tail percentiles in microseconds. JMH rejects an option given
# twice, so a default is added only when the caller did not give that option.
declare -A DEFAULTS=([-f]=1 [-t]=1 [-wi]=5 [-w]=1s [-i]=10 [-r]=1s [-bm]=sample [-tu]=us)
for arg in "$@"; do
  unset "DEFAULTS[$arg]" 2> /dev/null || true
done
OPTIONS=()
for option in "${!DEFAULTS[@]}"; do
  OPTIONS+=("$option" "${DEFAULTS[$option]}")
done
java -cp "$JAR" org.openjdk.jmh.Main 'fi\.vointi\.cat\.CatStepBenchmark' "${OPTIONS[@]}" "$@" 2>&1 \
  | tee target/bench-cat-step.log
