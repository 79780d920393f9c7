package fi.vointi.catalog;

import io.micronaut.core.annotation.Nullable;

/** A canonical reference {@code url|version}; the version is optional. */
public record CanonicalRef(String url, @Nullable String version) {

    public static CanonicalRef parse(String canonical) {
        int bar = canonical.indexOf('|');
        if (bar < 0) {
            return new CanonicalRef(canonical, null);
        }
        String version = canonical.substring(bar + 1);
        return new CanonicalRef(canonical.substring(0, bar), version.isEmpty() ? null : version);
    }

    public boolean hasVersion() {
        return version != null;
    }

    @Override
    public String toString() {
        return version == null ? url : url + "|" + version;
    }
}
