#include "PrivacyNotice.h"

#include "common/Clock.h"

#include <QDate>
#include <QFile>
#include <QJsonDocument>
#include <QTimeZone>
#include <algorithm>
#include <limits>

namespace pygmi::server {

namespace {
const QString kBuiltIn = QStringLiteral(":/pygmi-server/notice/default-notice.json");
} // namespace

QJsonObject NoticeVersion::toJson() const
{
    QJsonArray changed;
    for (const QString &purpose : materialChanges)
        changed.append(purpose);
    return QJsonObject { { QStringLiteral("version"), version },
                         { QStringLiteral("title"), title },
                         { QStringLiteral("effective_date"), effectiveDate },
                         { QStringLiteral("text"), text },
                         { QStringLiteral("ui_copy_version"), uiCopyVersion },
                         { QStringLiteral("purposes"), purposes },
                         { QStringLiteral("material_changes"), changed },
                         { QStringLiteral("summary_of_changes"), summaryOfChanges },
                         { QStringLiteral("retention"), retention },
                         { QStringLiteral("processors"), processors },
                         { QStringLiteral("contact"), contact },
                         { QStringLiteral("supervisory_authority"), supervisoryAuthority } };
}

std::optional<NoticeVersion> PrivacyNotice::parse(const QByteArray &bytes, const QString &source, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    const QJsonObject object = document.object();
    const auto text = [&](const char *key) { return object.value(QLatin1String(key)).toString(); };
    NoticeVersion notice;
    notice.version = text("version");
    notice.title = text("title");
    notice.effectiveDate = text("effective_date");
    notice.text = text("text");
    notice.uiCopyVersion = text("ui_copy_version");
    if (notice.uiCopyVersion.isEmpty())
        notice.uiCopyVersion = notice.version;
    notice.purposes = object.value(QLatin1String("purposes")).toArray();
    for (const QJsonValue &value : object.value(QLatin1String("material_changes")).toArray())
        notice.materialChanges.append(value.toString());
    notice.summaryOfChanges = object.value(QLatin1String("summary_of_changes")).toArray();
    notice.retention = object.value(QLatin1String("retention")).toArray();
    notice.processors = object.value(QLatin1String("processors")).toArray();
    notice.contact = object.value(QLatin1String("contact")).toObject();
    notice.supervisoryAuthority = object.value(QLatin1String("supervisory_authority")).toObject();
    const QDate date = QDate::fromString(notice.effectiveDate, Qt::ISODate);
    bool purposesOk = true;
    for (const QJsonValue &value : std::as_const(notice.purposes)) {
        const QJsonObject purpose = value.toObject();
        purposesOk = purposesOk && !purpose.value(QLatin1String("id")).toString().isEmpty()
            && !purpose.value(QLatin1String("title")).toString().isEmpty()
            && !purpose.value(QLatin1String("description")).toString().isEmpty();
    }
    if (parseError.error != QJsonParseError::NoError || !document.isObject() || notice.version.isEmpty()
        || notice.title.isEmpty() || notice.text.isEmpty() || !date.isValid() || !purposesOk) {
        *error = QStringLiteral("the notice file %1 needs JSON with version, title, effective_date (YYYY-MM-DD), "
                                "text and, optionally, purposes [{id, title, description}]")
                     .arg(source);
        return std::nullopt;
    }
    notice.effectiveAtMs = QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    return notice;
}

bool PrivacyNotice::load(const QStringList &paths, QString *error)
{
    m_versions.clear();
    // The sample's structured parts fill in what an older, text-only deployment file lacks.
    QFile builtIn(kBuiltIn);
    if (!builtIn.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("the built-in notice is missing");
        return false;
    }
    const auto sample = parse(builtIn.readAll(), kBuiltIn, error);
    if (!sample)
        return false;
    if (paths.isEmpty()) {
        m_versions.append(*sample);
        return true;
    }
    for (const QString &path : paths) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the notice file %1").arg(path);
            return false;
        }
        auto notice = parse(file.readAll(), path, error);
        if (!notice)
            return false;
        if (notice->purposes.isEmpty())
            notice->purposes = sample->purposes;
        if (find(notice->version)) {
            *error = QStringLiteral("two notice files have the version %1").arg(notice->version);
            return false;
        }
        m_versions.append(*notice);
    }
    std::stable_sort(m_versions.begin(), m_versions.end(),
                     [](const NoticeVersion &a, const NoticeVersion &b) { return a.effectiveAtMs < b.effectiveAtMs; });
    return true;
}

std::int64_t PrivacyNotice::now() const
{
    return m_clock ? m_clock->nowMs() : std::numeric_limits<std::int64_t>::max();
}

const NoticeVersion &PrivacyNotice::current() const
{
    const std::int64_t at = now();
    const NoticeVersion *inForce = &m_versions.front(); // the oldest applies until a newer one does
    for (const NoticeVersion &notice : m_versions) {
        if (notice.effectiveAtMs <= at)
            inForce = &notice;
    }
    return *inForce;
}

QList<NoticeVersion> PrivacyNotice::upcoming() const
{
    QList<NoticeVersion> list;
    const NoticeVersion &inForce = current();
    for (const NoticeVersion &notice : m_versions) {
        if (notice.effectiveAtMs > now() && notice.version != inForce.version)
            list.append(notice);
    }
    return list;
}

std::optional<NoticeVersion> PrivacyNotice::find(const QString &version) const
{
    for (const NoticeVersion &notice : m_versions) {
        if (notice.version == version)
            return notice;
    }
    return std::nullopt;
}

QString PrivacyNotice::latestMaterialChangeAfter(const QString &sinceVersion, const QString &purpose) const
{
    const auto since = find(sinceVersion);
    const std::int64_t from = since ? since->effectiveAtMs : std::numeric_limits<std::int64_t>::min();
    const std::int64_t at = now();
    QString latest;
    for (const NoticeVersion &notice : m_versions) {
        if (notice.effectiveAtMs > from && notice.effectiveAtMs <= at && notice.version != sinceVersion
            && notice.materialChanges.contains(purpose))
            latest = notice.version;
    }
    return latest;
}

QStringList PrivacyNotice::purposeIds() const
{
    QStringList ids;
    for (const QJsonValue &value : current().purposes)
        ids.append(value.toObject().value(QLatin1String("id")).toString());
    return ids;
}

QJsonObject PrivacyNotice::toJson() const
{
    const NoticeVersion &notice = current();
    // /v1/notice keeps its original four fields first; the structured parts ride along.
    return notice.toJson();
}

} // namespace pygmi::server
