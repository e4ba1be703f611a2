#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>

namespace pygmi::core {

// A failed request, reduced to what the UI needs: a stable machine code, the HTTP status
// (0 when no answer arrived), per-field codes for forms, and a translated sentence that
// tells the user what to do next.
class ApiError
{
public:
    enum class Kind {
        None, // success
        Network, // no connection, refused, DNS, reset
        Timeout, // no answer in time
        Tls, // certificate or handshake failure (never ignored)
        Http, // the server answered with an error body (see code())
        Protocol, // the answer was not what the contract says (bad JSON, server too old)
        Client, // refused before sending (e.g. insecure URL)
    };

    ApiError() = default;
    ApiError(Kind kind, QString code, QString message = {}, int httpStatus = 0);

    // Reads the contract's error body {"error":{"code","message","fields","retry_after"}} of an
    // HTTP error answer; a missing or foreign body gets a code derived from the status.
    static ApiError fromHttpAnswer(int httpStatus, const QJsonObject &body, const QByteArray &retryAfterHeader = {});

    bool isError() const { return m_kind != Kind::None; }
    explicit operator bool() const { return isError(); }

    Kind kind() const { return m_kind; }
    int httpStatus() const { return m_httpStatus; }
    // Stable code from the server's error body ("invalid_credentials", "validation_failed", …)
    // or a client-side code ("network_unreachable", "timeout", "tls_error", "server_too_old",
    // "insecure_url", "bad_response").
    QString code() const { return m_code; }
    // The server's own English message (for logs); not shown as is.
    QString serverMessage() const { return m_message; }
    // field name -> machine code ("too_short", "under_13", …)
    QHash<QString, QString> fields() const { return m_fields; }
    void setFields(const QHash<QString, QString> &fields) { m_fields = fields; }
    int retryAfterSeconds() const { return m_retryAfter; }
    void setRetryAfterSeconds(int seconds) { m_retryAfter = seconds; }

    // Translated, actionable text for the whole error.
    QString userMessage() const;
    // Translated text for one field of a form, empty when the field has no error.
    QString fieldMessage(const QString &field) const;

private:
    Kind m_kind = Kind::None;
    int m_httpStatus = 0;
    QString m_code;
    QString m_message;
    QHash<QString, QString> m_fields;
    int m_retryAfter = 0;
};

} // namespace pygmi::core
