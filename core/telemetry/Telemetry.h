#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace pygmi::core {

class ApiClient;
class ConsentManager;

// Usage, error and performance events of the declared catalogue (docs/telemetry.md), recorded
// only while analytics is granted. Events wait in a small queue file and go out in batches
// through the network gate with the "analytics" purpose. When analytics is withdrawn the
// service stops at once, deletes the queue and asks the server (once, retried until it
// arrives, also after a restart) to erase what this install sent. Every batch, queued or sent,
// is kept in a local log exactly as it went on the wire, for the inspector in Settings.
class Telemetry : public QObject
{
    Q_OBJECT

public:
    struct LogEntry
    {
        QDateTime time;
        QString destination;
        QString state; // queued | sent | refused | failed | deletion_requested
        QByteArray bytes;
    };

    Telemetry(ApiClient *api, ConsentManager *consent, const QString &dataDir, QObject *parent = nullptr);

    // Records one event; ignored (nothing kept) unless analytics is granted and the event and
    // its fields are in the catalogue.
    bool record(const QString &name, const QJsonObject &fields);
    // Sends what is queued now (normally every flushIntervalMs).
    void flush();
    void setFlushIntervalMs(int ms);

    int queuedCount() const { return int(m_queue.size()); }
    // The bytes the next batch would carry (the "queued" view of the inspector).
    QByteArray pendingBatchBytes() const;
    QList<LogEntry> log() const { return m_log; }
    void clearLog();
    bool deletionPending() const { return !m_deletions.isEmpty(); }

    QString queueFilePath() const;
    QString logFilePath() const;
    QString deletionFilePath() const;

    // Names and fields of the catalogue: name -> field names.
    static const QHash<QString, QStringList> &catalogue();

Q_SIGNALS:
    void logChanged();
    void queueChanged();

private:
    void onConsentChanged();
    void stopAndForget();
    void saveQueue() const;
    void appendLog(const QString &state, const QByteArray &bytes);
    void saveLog() const;
    void saveDeletions() const;
    void sendDeletion();
    void scheduleFlush(int delayMs);

    ApiClient *m_api;
    ConsentManager *m_consent;
    QString m_dataDir;
    QJsonArray m_queue;
    QList<LogEntry> m_log;
    QStringList m_deletions; // install ids whose server-side events must be erased
    QString m_collectingFor; // install id while analytics is on
    QTimer m_flushTimer;
    QTimer m_deletionTimer;
    int m_flushIntervalMs = 30000;
    int m_backoffMs = 0;
    int m_deletionDelayMs = 1000;
    bool m_sending = false;
    bool m_deleting = false;
    quint64 m_epoch = 0; // bumped on withdrawal: answers of older batches are ignored
};

} // namespace pygmi::core
