#include "ServerApi.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTimer>

namespace pygmi::test {

QString ApiReply::errorCode() const
{
    return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

QJsonObject ApiReply::fields() const
{
    return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("fields")).toObject();
}

QString ApiReply::fieldCode(const QString &field) const
{
    return fields().value(field).toString();
}

ServerApi::ServerApi(QUrl base)
    : m_base(std::move(base))
{ }

ApiReply ServerApi::get(const QString &path, const QString &bearer)
{
    return send("GET", path, {}, {}, bearer);
}

ApiReply ServerApi::post(const QString &path, const QJsonObject &body, const QString &bearer)
{
    return send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json", bearer);
}

ApiReply ServerApi::send(const QByteArray &method, const QString &path, const QByteArray &body,
                         const QByteArray &contentType, const QString &bearer)
{
    QUrl url = m_base;
    const qsizetype question = path.indexOf(u'?');
    url.setPath(question < 0 ? path : path.left(question));
    if (question >= 0)
        url.setQuery(path.mid(question + 1));
    QNetworkRequest request(url);
    for (const auto &[name, value] : extraHeaders)
        request.setRawHeader(name, value);
    if (!contentType.isEmpty() && !body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    if (!bearer.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + bearer.toUtf8());
    request.setTransferTimeout(20000);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    ApiReply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.json = QJsonDocument::fromJson(result.body).object();
    for (const auto &pair : reply->rawHeaderPairs())
        result.headers.insert(pair.first.toLower(), pair.second);
    if (reply->error() != QNetworkReply::NoError && result.status == 0)
        result.networkError = reply->errorString();
    reply->deleteLater();
    return result;
}

QJsonObject ServerApi::signupBody(const QString &email, const QString &password, const QString &displayName,
                                  const QString &birthDate)
{
    return QJsonObject { { QStringLiteral("email"), email },
                         { QStringLiteral("password"), password },
                         { QStringLiteral("display_name"), displayName },
                         { QStringLiteral("birth_date"), birthDate },
                         { QStringLiteral("accepted_notice_version"), QStringLiteral("2026-11-01") } };
}

ApiReply ServerApi::signup(const QString &email, const QString &password)
{
    return post(QStringLiteral("/v1/auth/signup"), signupBody(email, password));
}

ApiReply ServerApi::login(const QString &email, const QString &password)
{
    return post(QStringLiteral("/v1/auth/login"),
                QJsonObject { { QStringLiteral("email"), email }, { QStringLiteral("password"), password } });
}

QByteArray ServerApi::rawExchange(const QUrl &base, const QByteArray &request, int timeoutMs)
{
    QTcpSocket socket;
    socket.connectToHost(base.host(), static_cast<quint16>(base.port()));
    if (!socket.waitForConnected(timeoutMs))
        return {};
    socket.write(request);
    QByteArray response;
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (socket.bytesToWrite() > 0)
            socket.waitForBytesWritten(50);
        if (socket.waitForReadyRead(50))
            response += socket.readAll();
        if (socket.state() != QAbstractSocket::ConnectedState) {
            response += socket.readAll();
            break;
        }
    }
    return response;
}

int ServerApi::statusOfRaw(const QByteArray &response)
{
    static const QRegularExpression statusLine(QStringLiteral("^HTTP/1\\.[01] (\\d{3})"));
    const auto match = statusLine.match(QString::fromLatin1(response.left(64)));
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

static QStringList mailsTo(const QString &dataDir, const QString &email)
{
    QDir outbox(QDir(dataDir).filePath(QStringLiteral("outbox")));
    QStringList result;
    const QStringList files = outbox.entryList({ QStringLiteral("*.eml") }, QDir::Files, QDir::Name);
    for (const QString &name : files) {
        QFile file(outbox.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QString text = QString::fromUtf8(file.readAll());
        if (text.contains(QStringLiteral("To: ") + email.toLower() + QStringLiteral("\r\n")))
            result << text;
    }
    return result;
}

QString ServerApi::latestCode(const QString &dataDir, const QString &email)
{
    const QStringList mails = mailsTo(dataDir, email);
    if (mails.isEmpty())
        return {};
    static const QRegularExpression code(QStringLiteral("^Code: (\\d{6})\\r?$"), QRegularExpression::MultilineOption);
    return code.match(mails.last()).captured(1);
}

int ServerApi::mailCount(const QString &dataDir, const QString &email)
{
    return static_cast<int>(mailsTo(dataDir, email).size());
}

int ServerApi::countRows(const QString &dataDir, const QString &table, const QString &where)
{
    int count = -1;
    const QString name = QStringLiteral("count-rows");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(QDir(dataDir).filePath(QStringLiteral("pygmi.sqlite")));
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            // Test-only: table and condition are constants written in the tests.
            QSqlQuery query(db);
            if (query.exec(QStringLiteral("SELECT COUNT(*) FROM ") + table
                           + (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where))
                && query.next())
                count = query.value(0).toInt();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return count;
}

} // namespace pygmi::test
