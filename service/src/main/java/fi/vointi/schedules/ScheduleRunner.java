package fi.vointi.schedules;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Runs the due steps of every schedule, on every instance, every {@code vointi.schedules.poll-interval}. No cluster
 * lock is needed: each step is taken by a conditional UPDATE in the transaction that does it, so two instances never
 * do the same step (ScheduleSteps). A step that fails is marked failed and logged, never retried forever.
 */
@Singleton
public class ScheduleRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleRunner.class);
    private final ScheduleSteps steps;
    private final ScheduleConfiguration configuration;

    ScheduleRunner(ScheduleSteps steps, ScheduleConfiguration configuration) {
        this.steps = steps;
        this.configuration = configuration;
    }

    @Scheduled(fixedDelay = "${vointi.schedules.poll-interval:1m}", initialDelay = "${vointi.schedules.poll-interval:1m}")
    void scheduled() {
        if (configuration.isRunnerEnabled()) {
            runDue();
        }
    }

    /** One round: every step due now, in batches. Returns how many steps ran here. */
    public int runDue() {
        int ran = 0;
        while (true) {
            List<String> due = steps.due(configuration.getBatchSize());
            int ranThisBatch = 0;
            for (String stepId : due) {
                try {
                    if (steps.run(stepId)) {
                        ranThisBatch++;
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Schedule step {} failed and is not tried again: {}", stepId, e.toString());
                    steps.fail(stepId, e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            ran += ranThisBatch;
            if (due.size() < configuration.getBatchSize() || ranThisBatch == 0) {
                return ran;
            }
        }
    }
}
