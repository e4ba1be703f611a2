#pragma once

#include <QDate>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace pygmi::core {

// One version of the server's privacy notice as the app shows it (GET /v1/policy).
struct PrivacyNotice
{
    struct PurposeText
    {
        QString id;
        QString title;
        QString description;
        bool required = false;
    };
    struct Change
    {
        QString purpose; // may be empty for a general change
        QString change;
    };

    QString version;
    QString title;
    QDate effectiveDate;
    QString text;
    QString uiCopyVersion;
    QList<PurposeText> purposes;
    QStringList materialChanges;
    QList<Change> summaryOfChanges;
    QJsonArray retention;
    QJsonArray processors;
    QJsonObject contact;
    QJsonObject supervisoryAuthority;

    bool isValid() const { return !version.isEmpty(); }
    PurposeText purpose(const QString &id) const;
    static PrivacyNotice fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

} // namespace pygmi::core
