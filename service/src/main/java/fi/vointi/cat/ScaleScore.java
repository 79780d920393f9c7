package fi.vointi.cat;

/** A score on the reporting scale (e.g. a T-score) and its standard error on the same scale. */
public record ScaleScore(double value, double standardError) {
}
