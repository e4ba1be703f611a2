#pragma once

#include "auth/AuthEndpoints.h"
#include "http/HttpRequest.h"
#include "http/HttpResponse.h"

#include <QHash>
#include <QJsonObject>
#include <cstdint>
#include <mutex>

namespace pygmi::server {

class AccountErasure;
class AuthStore;
class BlobStore;
class Clock;
class ConsentEndpoints;
class CountryLookup;
class Database;
class MailOutbox;
class PasswordHasher;
class PrivacyNotice;
class PrivacyRequests;
class PrivacyWorker;
class Router;

// /v1/privacy/*: what we hold, requests (export, erasure, rectification, restriction, objection,
// opt-out, human review) with their timeline and receipts, export downloads with Range, the
// profile and email change, devices and sessions, and automated decisions.
class PrivacyEndpoints
{
public:
    struct Settings
    {
        std::int64_t deletionGraceMs = 7LL * 24 * 3600 * 1000;
        std::int64_t erasureRecordMs = 365LL * 24 * 3600 * 1000;
        bool localMode = false;
    };

    struct Services
    {
        const Database &database;
        const AuthEndpoints &auth;
        const AuthStore &authStore;
        const PasswordHasher &hasher;
        const MailOutbox &outbox;
        const ConsentEndpoints &consent;
        const PrivacyNotice &notice;
        const PrivacyRequests &requests;
        PrivacyWorker &worker;
        const AccountErasure &erasure;
        const BlobStore &blobs;
        const CountryLookup &countries;
        const Clock &clock;
    };

    PrivacyEndpoints(Settings settings, Services services);

    void registerRoutes(Router &router);
    // Called for every authenticated request: keeps the session's last-seen time, app version and
    // country (at most once a minute per session).
    void sessionSeen(const AuthEndpoints::Caller &caller, const HttpRequest &request);

private:
    HttpResponse summary(const HttpRequest &request);
    HttpResponse listRequests(const HttpRequest &request);
    HttpResponse getRequest(const HttpRequest &request);
    HttpResponse createRequest(const HttpRequest &request);
    HttpResponse cancelRequest(const HttpRequest &request);
    HttpResponse verifyRequest(const HttpRequest &request);
    HttpResponse replyRequest(const HttpRequest &request);
    HttpResponse download(const HttpRequest &request);
    HttpResponse deletionPreview(const HttpRequest &request);
    HttpResponse erasureReceipt(const HttpRequest &request);
    HttpResponse getProfile(const HttpRequest &request);
    HttpResponse patchProfile(const HttpRequest &request);
    HttpResponse putAvatar(const HttpRequest &request);
    HttpResponse getAvatar(const HttpRequest &request);
    HttpResponse deleteAvatar(const HttpRequest &request);
    HttpResponse changeEmail(const HttpRequest &request);
    HttpResponse confirmEmail(const HttpRequest &request);
    HttpResponse sessions(const HttpRequest &request);
    HttpResponse revokeSession(const HttpRequest &request);
    HttpResponse revokeAll(const HttpRequest &request);
    HttpResponse decisions(const HttpRequest &request);
    HttpResponse setProcessing(const HttpRequest &request);
    HttpResponse deleteAllContent(const HttpRequest &request);

    QJsonObject profileJson(const QString &userId) const;
    QJsonObject previewJson(const QString &userId) const;
    QJsonObject processingJson(const QString &userId) const;
    HttpResponse applyProcessing(const QString &userId, const QJsonObject &body, const QString &actor);
    // True when `password` is the account's; accounts without a password (local profile) pass.
    bool reauthenticated(const QString &userId, const QString &password, bool *hasPassword) const;

    Settings m_settings;
    Services m_s;
    std::mutex m_seenMutex;
    QHash<QString, std::int64_t> m_lastSeenWrite;
};

} // namespace pygmi::server
