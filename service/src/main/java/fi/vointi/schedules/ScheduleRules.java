package fi.vointi.schedules;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The arithmetic of a PROM schedule (docs/schedules.md), without any framework: when each invitation of a protocol is
 * due from the episode's start, whether a late one still goes, when its reminders are due, and whether a reminder
 * still goes when its time comes. Calendar offsets are taken in local time (Europe/Helsinki by default), so "+3 months"
 * is the same date three months on at the same wall-clock time, across daylight saving changes.
 */
public final class ScheduleRules {
    private ScheduleRules() {
    }

    /** Offset units, by their UCUM codes as in a PlanDefinition's {@code timingDuration}. */
    public enum Unit {
        DAYS("d"), WEEKS("wk"), MONTHS("mo"), YEARS("a");

        private final String ucum;

        Unit(String ucum) {
            this.ucum = ucum;
        }

        public String ucum() {
            return ucum;
        }

        /** The unit of a UCUM code, or null for any other. */
        public static Unit ofUcum(String code) {
            for (Unit unit : values()) {
                if (unit.ucum.equals(code == null ? null : code.toLowerCase(Locale.ROOT))) {
                    return unit;
                }
            }
            return null;
        }
    }

    /** How long after the episode's start, in whole calendar units. */
    public record Offset(int amount, Unit unit) {
        public Offset {
            if (amount < 0) {
                throw new IllegalArgumentException("An offset is never negative: " + amount);
            }
        }

        /**
         * The date this offset after {@code start}. Months and years keep the day of the month, or take the month's
         * last day when it has no such day (31 January + 1 month = 28 or 29 February), as java.time does.
         */
        public LocalDate after(LocalDate start) {
            return switch (unit) {
                case DAYS -> start.plusDays(amount);
                case WEEKS -> start.plusWeeks(amount);
                case MONTHS -> start.plusMonths(amount);
                case YEARS -> start.plusYears(amount);
            };
        }
    }

    /** When the invitation at {@code offset} is due: the episode's start date plus the offset, at {@code sendAt} local time. */
    public static Instant due(LocalDate episodeStart, Offset offset, LocalTime sendAt, ZoneId zone) {
        return offset.after(episodeStart).atTime(sendAt).atZone(zone).toInstant();
    }

    /**
     * When a step due at {@code due} runs, seen at {@code now}: at {@code due} when that is still ahead, at once when it
     * is late by at most {@code catchUp} (an episode that started this morning still gets its baseline), otherwise
     * never (null: a back-dated episode does not send questionnaires whose time is long past).
     */
    public static Instant runAt(Instant due, Instant now, Duration catchUp) {
        if (!due.isBefore(now)) {
            return due;
        }
        return Duration.between(due, now).compareTo(catchUp) <= 0 ? now : null;
    }

    /**
     * The reminders of an invitation sent at {@code sentAt}: {@code afterDays} days later each, at the same local time,
     * at most {@code max} of them, and only those before the link expires (a reminder of a dead link helps no one).
     */
    public static List<Instant> reminders(Instant sentAt, List<Integer> afterDays, int max, ZoneId zone, Instant linkExpires) {
        List<Instant> due = new ArrayList<>();
        for (int days : afterDays.stream().sorted().toList()) {
            if (due.size() >= max) {
                break;
            }
            Instant at = sentAt.atZone(zone).plusDays(days).toInstant();
            if (days > 0 && at.isBefore(linkExpires)) {
                due.add(at);
            }
        }
        return due;
    }

    /**
     * Whether a reminder whose time has come still goes: not once the invitation is answered, its link expired, the
     * episode ended or the person opted out of messages.
     */
    public static boolean remind(boolean answered, boolean linkExpired, boolean episodeActive, boolean optedOut) {
        return !answered && !linkExpired && episodeActive && !optedOut;
    }
}
