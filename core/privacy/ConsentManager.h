#pragma once

#include "api/ApiError.h"
#include "privacy/PrivacyNotice.h"
#include "privacy/Purpose.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QTimer>
#include <functional>
#include <optional>

namespace pygmi::core {

class ApiClient;

// The person's privacy choices, held in core (the ui only renders them). Every change applies
// at once locally (so a withdrawal stops processing immediately, even offline), is saved to
// disk, and is sent to the server's consent ledger as soon as it can be; the server's signed
// receipts are kept next to the choices. Also the app's NetworkPolicy: the network gate asks
// it whether a purpose is allowed and whether to send "Sec-GPC: 1".
class ConsentManager : public QObject, public NetworkPolicy
{
    Q_OBJECT

public:
    struct PurposeState
    {
        QString state = QStringLiteral("unset"); // granted | denied | unset
        bool stale = false; // a material notice change touched it: counts as refused until answered
        bool expired = false; // older than the re-consent interval
        QString decidedAt;
    };

    ConsentManager(ApiClient *api, const QString &dataDir, QObject *parent = nullptr);
    ~ConsentManager() override;

    // NetworkPolicy
    bool allows(Purpose purpose) const override;
    bool sendsGpc() const override;

    bool isGranted(const QString &purpose) const;
    PurposeState purposeState(const QString &purpose) const;
    QString installId() const { return m_installId; }
    QString accountId() const { return m_accountId; }
    // Purposes to ask about now (empty: nothing to ask). Meaningful once isReady().
    QStringList questions() const { return m_questions; }
    bool isReady() const { return m_ready; }
    // Someone is signed in (start() called and not stopped).
    bool isActive() const { return m_active; }
    // No choice was ever made on this install for this account.
    bool isFirstRun() const { return !m_answeredOnce; }

    PrivacyNotice notice() const { return m_notice; }
    QList<PrivacyNotice> upcoming() const { return m_upcoming; }
    QStringList acknowledgedVersions() const { return m_acknowledged; }
    int reconsentIntervalDays() const { return m_reconsentDays; }

    bool doNotSell() const { return m_doNotSell; }
    bool gpcEnabled() const { return m_gpc; }
    // The server confirmed a standing opt-out of sale and sharing for the account.
    bool optOutHonoured() const { return m_optOutHonoured; }
    int pendingSyncCount() const { return int(m_pending.size()); }

    // Signed in as `accountId`: loads this account's choices and asks the server for the notice
    // and the ledger's view. Another account on this install starts from nothing.
    void start(const QString &accountId);
    void stop();
    void refresh();

    // A whole answer from the consent dialog (method accept_all | reject_all | save_choices |
    // dismiss; surface first_run | reconsent).
    void answer(const QMap<QString, bool> &choices, const QString &method, const QString &surface);
    // One switch in Settings: "toggle" when granting, "withdraw" when taking consent back.
    void setChoice(const QString &purpose, bool granted);
    void setDoNotSell(bool on);
    void setGpcEnabled(bool on);
    void acknowledge(const QString &version);

    // Receipts the server signed for this account's choices (stored locally; they hold no secret).
    QList<QJsonObject> receipts() const;
    // Merges the server's full history into the stored receipts and returns it, oldest first.
    void fetchHistory(QObject *context, std::function<void(const QList<QJsonObject> &, const ApiError &)> done);
    // The server's receipt public key (32 raw bytes).
    void fetchReceiptKey(QObject *context, std::function<void(const QByteArray &, const ApiError &)> done);
    static bool verifyReceipt(const QJsonObject &receipt, const QByteArray &publicKey);

    QString stateFilePath() const;
    QString receiptsFilePath() const;

Q_SIGNALS:
    // Any choice or signal changed (emitted synchronously, before anything is sent).
    void changed();
    void questionsChanged();
    void noticeChanged();
    void syncStateChanged();
    // Analytics was granted again after a withdrawal: a new install id replaces the old one.
    void installIdChanged(const QString &previous, const QString &current);

private:
    void load();
    void save() const;
    void resetForAccount(const QString &accountId);
    void setLocal(const QString &purpose, bool granted);
    void queue(const QJsonObject &choices, const QString &method, const QString &surface);
    void syncPending();
    void scheduleRetry();
    void fetchConsent();
    void applyServerView(const QJsonObject &view);
    void computeLocalQuestions();
    void addReceipts(const QJsonArray &receipts);
    bool rotateIfReenabling(const QString &purpose, bool granted);
    QJsonObject currentChoicesJson() const;

    ApiClient *m_api;
    QString m_dataDir;
    QString m_accountId;
    QString m_installId;
    QHash<QString, PurposeState> m_purposes;
    QStringList m_analyticsUsedInstalls;
    bool m_answeredOnce = false;
    bool m_doNotSell = false;
    bool m_gpc = false;
    bool m_optOutHonoured = false;
    bool m_ready = false;
    bool m_active = false;
    QStringList m_questions;
    PrivacyNotice m_notice;
    QList<PrivacyNotice> m_upcoming;
    QStringList m_acknowledged;
    int m_reconsentDays = 182;
    QJsonArray m_pending; // [{install_id, body}]
    bool m_syncing = false;
    QTimer m_retryTimer;
    int m_retryDelayMs = 2000;
    quint64 m_generation = 0;
};

} // namespace pygmi::core
