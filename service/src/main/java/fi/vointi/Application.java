package fi.vointi;

import fi.vointi.catalog.BundledContent;
import io.micronaut.runtime.Micronaut;

public class Application {
    public static void main(String[] args) {
        // Needs no configuration: parses the shipped content on a second core while the context starts (issue 19).
        BundledContent.parseAhead();
        Micronaut.run(Application.class, args);
    }
}
