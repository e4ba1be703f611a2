#include "PrivacyNotice.h"

#include <QDate>
#include <QFile>
#include <QJsonDocument>

namespace pygmi::server {

bool PrivacyNotice::load(const QString &path, QString *error)
{
    const QString source = path.isEmpty() ? QStringLiteral(":/pygmi-server/notice/default-notice.json") : path;
    QFile file(source);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the notice file %1").arg(source);
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    const QJsonObject object = document.object();
    const auto text = [&](const char *key) { return object.value(QLatin1String(key)).toString(); };
    m_version = text("version");
    m_title = text("title");
    m_effectiveDate = text("effective_date");
    m_text = text("text");
    if (parseError.error != QJsonParseError::NoError || !document.isObject() || m_version.isEmpty() || m_title.isEmpty()
        || m_text.isEmpty() || !QDate::fromString(m_effectiveDate, Qt::ISODate).isValid()) {
        *error = QStringLiteral("the notice file %1 needs JSON with version, title, effective_date (YYYY-MM-DD) and "
                                "text")
                     .arg(source);
        return false;
    }
    return true;
}

QJsonObject PrivacyNotice::toJson() const
{
    return QJsonObject { { QStringLiteral("version"), m_version },
                         { QStringLiteral("title"), m_title },
                         { QStringLiteral("effective_date"), m_effectiveDate },
                         { QStringLiteral("text"), m_text } };
}

} // namespace pygmi::server
