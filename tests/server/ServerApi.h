#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QString>
#include <QUrl>

namespace pygmi::test {

// One HTTP answer, read completely.
struct ApiReply
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QHash<QByteArray, QByteArray> headers; // names lower case
    QString networkError;

    QString errorCode() const;
    QString fieldCode(const QString &field) const;
    QJsonObject fields() const;
};

// Synchronous calls to a pygmi-server for the server API tests, plus a few raw-socket and
// data-directory helpers for the cases an HTTP client library would hide.
class ServerApi
{
public:
    explicit ServerApi(QUrl base);

    ApiReply get(const QString &path, const QString &bearer = {});
    ApiReply post(const QString &path, const QJsonObject &body, const QString &bearer = {});
    ApiReply send(const QByteArray &method, const QString &path, const QByteArray &body,
                  const QByteArray &contentType = "application/json", const QString &bearer = {});

    static QJsonObject signupBody(const QString &email, const QString &password,
                                  const QString &displayName = QStringLiteral("Test User"),
                                  const QString &birthDate = QStringLiteral("1990-04-12"));
    ApiReply signup(const QString &email, const QString &password);
    ApiReply login(const QString &email, const QString &password);

    // Sends `request` bytes on a fresh connection and returns everything read until the server
    // closes or `timeoutMs` passes.
    static QByteArray rawExchange(const QUrl &base, const QByteArray &request, int timeoutMs = 5000);
    static int statusOfRaw(const QByteArray &response);

    // The newest one-time code mailed to `email` in <dataDir>/outbox, empty if none.
    static QString latestCode(const QString &dataDir, const QString &email);
    static int mailCount(const QString &dataDir, const QString &email);
    // Rows in a table of the server's database; open it only while the server is stopped.
    static int countRows(const QString &dataDir, const QString &table, const QString &where = {});

    // Sent with every request (e.g. {"Sec-GPC", "1"}).
    QList<QPair<QByteArray, QByteArray>> extraHeaders;

private:
    QUrl m_base;
    QNetworkAccessManager m_network;
};

} // namespace pygmi::test
