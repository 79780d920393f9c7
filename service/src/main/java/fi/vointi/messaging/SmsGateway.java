package fi.vointi.messaging;

/** Sends one SMS through the county's gateway. One implementation per provider API; see {@link HttpSmsGateway}. */
public interface SmsGateway {
    Delivery send(OutgoingMessage message);
}
