#include "MailOutbox.h"

#include "common/Logging.h"
#include "common/Secrets.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QLocale>
#include <QSaveFile>
#include <stdexcept>

namespace pygmi::server {

MailOutbox::MailOutbox(QString directory, const Clock &clock)
    : m_directory(std::move(directory))
    , m_clock(clock)
{ }

void MailOutbox::send(const QString &to, const QString &subject, const QString &body) const
{
    if (!QDir().mkpath(m_directory))
        throw std::runtime_error("cannot create the mail outbox");
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(m_clock.nowMs(), Qt::UTC);
    // Names are ours alone (time + random), never taken from input.
    const QString name = now.toString(QStringLiteral("yyyyMMdd'T'HHmmsszzz'Z'")) + u'-' + Secrets::randomHex(6)
        + QStringLiteral(".eml");
    const QString date = QLocale::c().toString(now, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss '+0000'"));
    QByteArray message;
    message += "From: Pygmi <no-reply@pygmi.invalid>\r\n";
    message += "To: " + to.toUtf8() + "\r\n";
    message += "Subject: " + subject.toUtf8() + "\r\n";
    message += "Date: " + date.toUtf8() + "\r\n";
    message += "Message-ID: <" + Secrets::randomHex(12).toUtf8() + "@pygmi.invalid>\r\n";
    message += "MIME-Version: 1.0\r\n";
    message += "Content-Type: text/plain; charset=utf-8\r\n";
    message += "Content-Transfer-Encoding: 8bit\r\n";
    message += "\r\n";
    QByteArray text = body.toUtf8();
    text.replace("\r\n", "\n").replace("\n", "\r\n");
    message += text;
    QSaveFile file(QDir(m_directory).filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(message) != message.size() || !file.commit())
        throw std::runtime_error("cannot write to the mail outbox");
    qCInfo(lcMail) << "queued mail" << name;
}

} // namespace pygmi::server
