#include "privacy/PrivacyNotice.h"

namespace pygmi::core {

PrivacyNotice::PurposeText PrivacyNotice::purpose(const QString &id) const
{
    for (const PurposeText &text : purposes) {
        if (text.id == id)
            return text;
    }
    return { id, id, QString(), false };
}

PrivacyNotice PrivacyNotice::fromJson(const QJsonObject &json)
{
    PrivacyNotice notice;
    notice.version = json.value(QLatin1String("version")).toString();
    notice.title = json.value(QLatin1String("title")).toString();
    notice.effectiveDate = QDate::fromString(json.value(QLatin1String("effective_date")).toString(), Qt::ISODate);
    notice.text = json.value(QLatin1String("text")).toString();
    notice.uiCopyVersion = json.value(QLatin1String("ui_copy_version")).toString();
    for (const QJsonValue &value : json.value(QLatin1String("purposes")).toArray()) {
        const QJsonObject object = value.toObject();
        notice.purposes.append({ object.value(QLatin1String("id")).toString(),
                                 object.value(QLatin1String("title")).toString(),
                                 object.value(QLatin1String("description")).toString(),
                                 object.value(QLatin1String("required")).toBool() });
    }
    for (const QJsonValue &value : json.value(QLatin1String("material_changes")).toArray())
        notice.materialChanges.append(value.toString());
    for (const QJsonValue &value : json.value(QLatin1String("summary_of_changes")).toArray()) {
        const QJsonObject object = value.toObject();
        notice.summaryOfChanges.append(
            { object.value(QLatin1String("purpose")).toString(), object.value(QLatin1String("change")).toString() });
    }
    notice.retention = json.value(QLatin1String("retention")).toArray();
    notice.processors = json.value(QLatin1String("processors")).toArray();
    notice.contact = json.value(QLatin1String("contact")).toObject();
    notice.supervisoryAuthority = json.value(QLatin1String("supervisory_authority")).toObject();
    return notice;
}

QJsonObject PrivacyNotice::toJson() const
{
    QJsonArray purposeArray;
    for (const PurposeText &text : purposes)
        purposeArray.append(QJsonObject { { QStringLiteral("id"), text.id },
                                          { QStringLiteral("title"), text.title },
                                          { QStringLiteral("description"), text.description },
                                          { QStringLiteral("required"), text.required } });
    QJsonArray summary;
    for (const Change &change : summaryOfChanges)
        summary.append(
            QJsonObject { { QStringLiteral("purpose"), change.purpose }, { QStringLiteral("change"), change.change } });
    return QJsonObject { { QStringLiteral("version"), version },
                         { QStringLiteral("title"), title },
                         { QStringLiteral("effective_date"), effectiveDate.toString(Qt::ISODate) },
                         { QStringLiteral("text"), text },
                         { QStringLiteral("ui_copy_version"), uiCopyVersion },
                         { QStringLiteral("purposes"), purposeArray },
                         { QStringLiteral("material_changes"), QJsonArray::fromStringList(materialChanges) },
                         { QStringLiteral("summary_of_changes"), summary },
                         { QStringLiteral("retention"), retention },
                         { QStringLiteral("processors"), processors },
                         { QStringLiteral("contact"), contact },
                         { QStringLiteral("supervisory_authority"), supervisoryAuthority } };
}

} // namespace pygmi::core
