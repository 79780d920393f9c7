package fi.vointi.messaging;

import jakarta.inject.Singleton;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * E-mail over SMTP with Jakarta Mail (Eclipse Angus). A 5xx answer refuses the message for good; a 4xx answer, a
 * timeout or no connection is retried. The Message-ID is the outbox id, so a receiving system can tell a retry after a
 * crash from a new message. An e-mail with an opt-out link carries it as List-Unsubscribe with one-click (RFC 8058).
 */
@Singleton
public class EmailSender {
    private final EmailConfiguration configuration;
    private final Session session;

    EmailSender(EmailConfiguration configuration) {
        this.configuration = configuration;
        Properties p = new Properties();
        p.put("mail.smtp.host", configuration.getHost() == null ? "localhost" : configuration.getHost());
        p.put("mail.smtp.port", Integer.toString(configuration.getPort()));
        p.put("mail.smtp.starttls.enable", Boolean.toString(configuration.isStartTls()));
        p.put("mail.smtp.auth", Boolean.toString(configuration.getUsername() != null));
        String timeout = Long.toString(configuration.getTimeout().toMillis());
        p.put("mail.smtp.connectiontimeout", timeout);
        p.put("mail.smtp.timeout", timeout);
        p.put("mail.smtp.writetimeout", timeout);
        this.session = Session.getInstance(p);
    }

    public Delivery send(OutgoingMessage m) {
        try {
            MimeMessage mail = new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", "<" + m.id() + "@vointi>");
                }
            };
            mail.setFrom(new InternetAddress(configuration.getFrom(), m.senderName(), StandardCharsets.UTF_8.name()));
            mail.setRecipient(Message.RecipientType.TO, new InternetAddress(m.recipient(), true));
            mail.setSubject(m.subject(), StandardCharsets.UTF_8.name());
            mail.setText(m.body(), StandardCharsets.UTF_8.name());
            if (m.unsubscribeLink() != null) {
                // RFC 2369 and RFC 8058: mail clients show an "unsubscribe" button that POSTs to the link at once
                mail.setHeader("List-Unsubscribe", "<" + m.unsubscribeLink() + ">");
                mail.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            }
            if (configuration.getUsername() != null) {
                Transport.send(mail, configuration.getUsername(), configuration.getPassword());
            } else {
                Transport.send(mail);
            }
            return new Delivery.Accepted(null, "accepted by SMTP server");
        } catch (SMTPAddressFailedException e) {
            return byCode(e.getReturnCode(), e.getMessage());
        } catch (SMTPSendFailedException e) {
            return byCode(e.getReturnCode(), e.getMessage());
        } catch (SendFailedException e) {
            return new Delivery.Rejected("address refused: " + e.getMessage());
        } catch (MessagingException | UnsupportedEncodingException e) {
            return new Delivery.Retry(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Delivery byCode(int code, String message) {
        return code >= 500 ? new Delivery.Rejected("SMTP " + code + ": " + message) : new Delivery.Retry("SMTP " + code + ": " + message);
    }
}
