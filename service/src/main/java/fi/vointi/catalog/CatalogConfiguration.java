package fi.vointi.catalog;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * {@code vointi.questionnaires.*}: where the county's own (licensed) questionnaires live, in addition to
 * the demo content packaged in the jar. Environment variable: {@code VOINTI_QUESTIONNAIRES_DIR}.
 */
@ConfigurationProperties("vointi.questionnaires")
public class CatalogConfiguration {
    @Nullable
    private String dir;
    private boolean includeBundled = true;

    @Nullable
    public String getDir() {
        return dir;
    }

    public void setDir(@Nullable String dir) {
        this.dir = dir;
    }

    /** Whether the questionnaires packaged with the service (demo content) are loaded. */
    public boolean isIncludeBundled() {
        return includeBundled;
    }

    public void setIncludeBundled(boolean includeBundled) {
        this.includeBundled = includeBundled;
    }
}
