package fi.vointi.responses;

/**
 * Derives data from a response in the same transaction that stores it (Observations, feedback figures):
 * an exception thrown here rolls the whole write back, so derived data never disagrees with the answers.
 * Listeners run for every stored version; they decide themselves whether the version concerns them.
 */
public interface ResponseWriteListener {
    void written(ResponseWrite write);
}
