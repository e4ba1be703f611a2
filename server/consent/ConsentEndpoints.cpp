#include "ConsentEndpoints.h"

#include "ReceiptSigner.h"
#include "auth/AuthEndpoints.h"
#include "common/Clock.h"
#include "common/Logging.h"
#include "http/ApiError.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "notice/PrivacyNotice.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrlQuery>
#include <QUuid>

namespace pygmi::server {

namespace {

const QStringList kMethods { QStringLiteral("accept_all"), QStringLiteral("reject_all"), QStringLiteral("save_choices"),
                             QStringLiteral("toggle"),     QStringLiteral("withdraw"),   QStringLiteral("dismiss") };
const QStringList kSurfaces { QStringLiteral("first_run"), QStringLiteral("settings"), QStringLiteral("dashboard"),
                              QStringLiteral("reconsent"), QStringLiteral("banner") };
const QString kSaleShare = QStringLiteral("sale_share");
const QString kAdvertising = QStringLiteral("advertising");
const QString kGranted = QStringLiteral("granted");
const QString kDenied = QStringLiteral("denied");

HttpResponse unknownInstall()
{
    return ApiError::make(404, QStringLiteral("unknown_install"),
                          QStringLiteral("This install id is not registered to this account."));
}

// Short descriptive strings from the app (version, OS, locale): printable and bounded.
QString cleanLabel(JsonBody &body, const QString &field)
{
    const auto value = body.string(field, false);
    if (!value)
        return QString();
    static const QRegularExpression allowed(QStringLiteral("^[\\x20-\\x7E]{0,64}$"));
    if (!allowed.match(*value).hasMatch()) {
        body.fail(field, QStringLiteral("invalid"));
        return QString();
    }
    return *value;
}

QString queryValue(const HttpRequest &request, const QString &key)
{
    return QUrlQuery(QString::fromStdString(request.query)).queryItemValue(key, QUrl::FullyDecoded);
}

} // namespace

ConsentEndpoints::ConsentEndpoints(Settings settings, const ConsentStore &store, const ReceiptSigner &signer,
                                   const AuthEndpoints &auth, const PrivacyNotice &notice, const Clock &clock)
    : m_settings(settings)
    , m_store(store)
    , m_signer(signer)
    , m_auth(auth)
    , m_notice(notice)
    , m_clock(clock)
{ }

const QStringList &ConsentEndpoints::consentPurposes()
{
    static const QStringList list { QStringLiteral("analytics"), QStringLiteral("advertising"),
                                    QStringLiteral("model_training"), QStringLiteral("marketing_email") };
    return list;
}

const QStringList &ConsentEndpoints::recordablePurposes()
{
    static const QStringList list = consentPurposes() + QStringList { kSaleShare };
    return list;
}

bool ConsentEndpoints::isInstallId(const QString &text)
{
    static const QRegularExpression uuid(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    return uuid.match(text).hasMatch() && !QUuid::fromString(text).isNull();
}

bool ConsentEndpoints::hasGpc(const HttpRequest &request)
{
    return request.header("sec-gpc") == "1";
}

void ConsentEndpoints::registerRoutes(Router &router)
{
    const auto bind = [this](HttpResponse (ConsentEndpoints::*method)(const HttpRequest &)) {
        return [this, method](const HttpRequest &request) { return (this->*method)(request); };
    };
    router.add("GET", "/v1/consent", bind(&ConsentEndpoints::getConsent));
    router.add("PUT", "/v1/consent", bind(&ConsentEndpoints::putConsent), 16 * 1024);
    router.add("GET", "/v1/consent/history", bind(&ConsentEndpoints::history));
    router.add("GET", "/v1/consent/receipt-key", bind(&ConsentEndpoints::receiptKey));
    router.add("GET", "/v1/policy", bind(&ConsentEndpoints::getPolicy));
    router.add("POST", "/v1/policy/acknowledge", bind(&ConsentEndpoints::acknowledge), 4 * 1024);
}

ConsentEndpoints::PurposeView ConsentEndpoints::viewOf(const ConsentStore::State &state, std::int64_t now) const
{
    PurposeView view;
    view.record = state;
    view.state = state.state;
    view.stale = !m_notice.latestMaterialChangeAfter(state.noticeVersion, state.purpose).isEmpty();
    view.expired = state.expiresAt <= now;
    view.effective = state.state == kGranted && !view.stale && !view.expired;
    return view;
}

bool ConsentEndpoints::isGrantedForAccount(const QString &userId, const QString &purpose) const
{
    const std::optional<ConsentStore::State> state = m_store.latestState(userId, purpose);
    return state && viewOf(*state, m_clock.nowMs()).effective;
}

QMap<QString, ConsentEndpoints::PurposeView> ConsentEndpoints::evaluate(const QString &userId,
                                                                        const QString &installId) const
{
    const std::int64_t now = m_clock.nowMs();
    QMap<QString, PurposeView> views;
    for (const QString &purpose : recordablePurposes())
        views.insert(purpose, PurposeView {});
    for (const ConsentStore::State &state : m_store.states(userId, installId)) {
        if (!views.contains(state.purpose))
            continue;
        views[state.purpose] = viewOf(state, now);
    }
    // A standing opt-out of sale and sharing also ends advertising, whatever was chosen before.
    if (m_store.optOut(userId)) {
        views[kAdvertising].effective = false;
        views[kSaleShare].effective = false;
    }
    return views;
}

ConsentStore::Event ConsentEndpoints::newEvent(const QString &userId, const QString &installId, const QString &purpose,
                                               const QString &state, const QString &method, std::int64_t now) const
{
    ConsentStore::Event event;
    event.userId = userId;
    event.installId = installId;
    event.purpose = purpose;
    event.state = state;
    event.method = method;
    event.noticeVersion = m_notice.version();
    event.uiCopyVersion = m_notice.current().uiCopyVersion;
    event.surface = QStringLiteral("settings");
    event.appVersion = QStringLiteral("unknown");
    event.os = QStringLiteral("unknown");
    event.locale = QStringLiteral("unknown");
    event.createdAt = now;
    event.expiresAt = now + m_settings.reconsentMs;
    return event;
}

void ConsentEndpoints::honourGpc(const HttpRequest &request, const QString &userId, const QString &installId) const
{
    if (!hasGpc(request))
        return;
    const std::int64_t now = m_clock.nowMs();
    QList<ConsentStore::Event> events;
    const bool fresh = m_store.setOptOut(userId, QStringLiteral("gpc"), now);
    const auto views = evaluate(userId, installId);
    if (fresh || views.value(kSaleShare).state != kDenied) {
        events.append(newEvent(userId, installId, kSaleShare, kDenied, QStringLiteral("gpc"), now));
    }
    if (views.value(kAdvertising).state == kGranted)
        events.append(newEvent(userId, installId, kAdvertising, kDenied, QStringLiteral("gpc"), now));
    for (ConsentStore::Event &event : events) {
        event.gpcPresent = true;
        event.surface = QStringLiteral("signal");
    }
    m_store.append(events);
    if (!events.isEmpty())
        qCInfo(lcServer) << "honoured a Global Privacy Control signal:" << events.size() << "consent events";
}

QJsonObject ConsentEndpoints::viewJson(const QString &userId, const QString &installId) const
{
    const auto views = evaluate(userId, installId);
    QJsonObject purposes;
    QJsonArray ask;
    for (auto it = views.constBegin(); it != views.constEnd(); ++it) {
        const PurposeView &view = it.value();
        QJsonObject object { { QStringLiteral("state"), view.state },
                             { QStringLiteral("effective"), view.effective ? kGranted : kDenied },
                             { QStringLiteral("stale"), view.stale },
                             { QStringLiteral("expired"), view.expired } };
        if (view.record) {
            object.insert(QStringLiteral("method"), view.record->method);
            object.insert(QStringLiteral("notice_version"), view.record->noticeVersion);
            object.insert(QStringLiteral("updated_at"), Clock::toIso(view.record->updatedAt));
            object.insert(QStringLiteral("expires_at"), Clock::toIso(view.record->expiresAt));
        }
        purposes.insert(it.key(), object);
        if (consentPurposes().contains(it.key()) && (view.state == u"unset" || view.stale || view.expired))
            ask.append(it.key());
    }
    QJsonValue optOut;
    if (const auto standing = m_store.optOut(userId)) {
        optOut = QJsonObject { { QStringLiteral("honoured"), true },
                               { QStringLiteral("source"), standing->source },
                               { QStringLiteral("since"), Clock::toIso(standing->createdAt) } };
    }
    return QJsonObject { { QStringLiteral("install_id"), installId },
                         { QStringLiteral("notice_version"), m_notice.version() },
                         { QStringLiteral("ui_copy_version"), m_notice.current().uiCopyVersion },
                         { QStringLiteral("reconsent_interval_days"), qint64(m_settings.reconsentMs / 86400000) },
                         { QStringLiteral("server_time"), Clock::toIso(m_clock.nowMs()) },
                         { QStringLiteral("purposes"), purposes },
                         { QStringLiteral("ask"), ask },
                         { QStringLiteral("sale_share_opt_out"), optOut } };
}

HttpResponse ConsentEndpoints::getConsent(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_auth.authenticate(request, &caller))
        return *refused;
    const QString installId = queryValue(request, QStringLiteral("install_id"));
    if (!isInstallId(installId))
        return ApiError::validation({ { QStringLiteral("install_id"), QStringLiteral("invalid") } });
    if (!m_store.bindInstall(caller.userId, installId, m_clock.nowMs()))
        return unknownInstall();
    honourGpc(request, caller.userId, installId);
    return HttpResponse::json(200, viewJson(caller.userId, installId));
}

HttpResponse ConsentEndpoints::putConsent(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_auth.authenticate(request, &caller))
        return *refused;
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto installId = body.string(QStringLiteral("install_id"));
    const auto method = body.string(QStringLiteral("method"));
    const auto surface = body.string(QStringLiteral("surface"));
    const auto noticeVersion = body.string(QStringLiteral("notice_version"));
    const QString uiCopy = cleanLabel(body, QStringLiteral("ui_copy_version"));
    const QString appVersion = cleanLabel(body, QStringLiteral("app_version"));
    const QString os = cleanLabel(body, QStringLiteral("os"));
    const QString locale = cleanLabel(body, QStringLiteral("locale"));
    if (installId && !isInstallId(*installId))
        body.fail(QStringLiteral("install_id"), QStringLiteral("invalid"));
    if (method && !kMethods.contains(*method))
        body.fail(QStringLiteral("method"), QStringLiteral("invalid"));
    if (surface && !kSurfaces.contains(*surface))
        body.fail(QStringLiteral("surface"), QStringLiteral("invalid"));
    const auto notice = noticeVersion ? m_notice.find(*noticeVersion) : std::nullopt;
    if (noticeVersion && !notice)
        body.fail(QStringLiteral("notice_version"), QStringLiteral("invalid"));

    QMap<QString, QString> choices;
    const QJsonValue rawChoices = object.value(QLatin1String("choices"));
    if (rawChoices.isUndefined() || rawChoices.isNull()) {
        body.fail(QStringLiteral("choices"), QStringLiteral("required"));
    } else if (!rawChoices.isObject()) {
        body.fail(QStringLiteral("choices"), QStringLiteral("wrong_type"));
    } else if (rawChoices.toObject().isEmpty()) {
        body.fail(QStringLiteral("choices"), QStringLiteral("required"));
    } else {
        const QJsonObject map = rawChoices.toObject();
        for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
            const QString field = QStringLiteral("choices.") + it.key().left(64);
            if (!recordablePurposes().contains(it.key())) {
                body.fail(field, QStringLiteral("invalid"));
                continue;
            }
            const QString state = it.value().toString();
            if (state != kGranted && state != kDenied) {
                body.fail(field, QStringLiteral("invalid"));
                continue;
            }
            choices.insert(it.key(), state);
        }
    }
    // A grant is only valid against the notice in force: the person must have seen what applies now.
    if (notice && notice->version != m_notice.version() && choices.values().contains(kGranted))
        body.fail(QStringLiteral("notice_version"), QStringLiteral("outdated"));
    if (body.hasErrors())
        return ApiError::validation(body.errors());

    const std::int64_t now = m_clock.nowMs();
    if (!m_store.bindInstall(caller.userId, *installId, now))
        return unknownInstall();
    honourGpc(request, caller.userId, *installId);

    const bool gpc = hasGpc(request);
    const auto views = evaluate(caller.userId, *installId);
    QList<ConsentStore::Event> events;
    for (auto it = choices.constBegin(); it != choices.constEnd(); ++it) {
        QString state = it.value();
        QString eventMethod = *method;
        const bool optedOut = m_store.optOut(caller.userId).has_value();
        if (it.key() == kSaleShare) {
            if (state == kDenied) {
                m_store.setOptOut(caller.userId, QStringLiteral("toggle"), now);
            } else if (gpc) {
                state = kDenied; // the signal is still being sent: its absence alone would not count either
                eventMethod = QStringLiteral("gpc");
            } else {
                m_store.clearOptOut(caller.userId);
            }
        } else if (it.key() == kAdvertising && state == kGranted && (optedOut || gpc)) {
            state = kDenied;
            eventMethod = QStringLiteral("gpc");
        }
        const PurposeView view = views.value(it.key());
        if (view.state == state && !view.stale && !view.expired)
            continue; // unchanged and still valid: nothing to record
        ConsentStore::Event event = newEvent(caller.userId, *installId, it.key(), state, eventMethod, now);
        event.noticeVersion = notice->version;
        event.uiCopyVersion = uiCopy.isEmpty() ? notice->uiCopyVersion : uiCopy;
        event.surface = *surface;
        event.appVersion = appVersion.isEmpty() ? QStringLiteral("unknown") : appVersion;
        event.os = os.isEmpty() ? QStringLiteral("unknown") : os;
        event.locale = locale.isEmpty() ? QStringLiteral("unknown") : locale;
        event.gpcPresent = gpc;
        events.append(event);
    }
    m_store.append(events);
    QJsonArray receipts;
    for (const ConsentStore::Event &event : std::as_const(events))
        receipts.append(event.receipt);
    QJsonObject answer = viewJson(caller.userId, *installId);
    answer.insert(QStringLiteral("receipts"), receipts);
    return HttpResponse::json(200, answer);
}

HttpResponse ConsentEndpoints::history(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_auth.authenticate(request, &caller))
        return *refused;
    const QString installId = queryValue(request, QStringLiteral("install_id"));
    if (!installId.isEmpty()) {
        if (!isInstallId(installId))
            return ApiError::validation({ { QStringLiteral("install_id"), QStringLiteral("invalid") } });
        if (m_store.installOwner(installId).value_or(QString()) != caller.userId)
            return unknownInstall();
    }
    QJsonArray events;
    for (const ConsentStore::Event &event : m_store.history(caller.userId, installId))
        events.append(event.receipt);
    return HttpResponse::json(200, QJsonObject { { QStringLiteral("events"), events } });
}

HttpResponse ConsentEndpoints::receiptKey(const HttpRequest &)
{
    return HttpResponse::json(200,
                              QJsonObject { { QStringLiteral("alg"), QStringLiteral("Ed25519") },
                                            { QStringLiteral("key_id"), m_signer.keyId() },
                                            { QStringLiteral("public_key"), m_signer.publicKeyBase64Url() } });
}

HttpResponse ConsentEndpoints::getPolicy(const HttpRequest &request)
{
    QJsonArray upcoming;
    for (const NoticeVersion &notice : m_notice.upcoming())
        upcoming.append(notice.toJson());
    QJsonObject answer { { QStringLiteral("current"), m_notice.current().toJson() },
                         { QStringLiteral("upcoming"), upcoming },
                         { QStringLiteral("reconsent_interval_days"), qint64(m_settings.reconsentMs / 86400000) },
                         { QStringLiteral("server_time"), Clock::toIso(m_clock.nowMs()) } };
    // Signed-in callers also learn which versions they have already acknowledged.
    if (!request.bearerToken().empty()) {
        AuthEndpoints::Caller caller;
        if (auto refused = m_auth.authenticate(request, &caller))
            return *refused;
        answer.insert(QStringLiteral("acknowledged_versions"),
                      QJsonArray::fromStringList(m_store.acknowledged(caller.userId)));
    }
    return HttpResponse::json(200, answer);
}

HttpResponse ConsentEndpoints::acknowledge(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_auth.authenticate(request, &caller))
        return *refused;
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto version = body.string(QStringLiteral("version"));
    bool known = false;
    if (version) {
        known = *version == m_notice.version();
        for (const NoticeVersion &notice : m_notice.upcoming())
            known = known || notice.version == *version;
        if (!known)
            body.fail(QStringLiteral("version"), QStringLiteral("invalid"));
    }
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    m_store.acknowledge(caller.userId, *version, *version == m_notice.version(), m_clock.nowMs());
    return HttpResponse::noContent();
}

} // namespace pygmi::server
