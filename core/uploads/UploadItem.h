#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>

namespace pygmi::core {

// One reference file on its way to the server, as the composer shows it.
struct UploadItem
{
    enum class State {
        Preparing, // removing metadata and hashing, off the UI thread
        Queued, // waiting for a free upload slot
        Uploading,
        Paused, // by the creator
        Retrying, // the network failed; trying again after a pause that grows
        Done, // the server holds it as a reference
        Failed, // refused or impossible; errorCode/errorMessage say why
    };

    QString id; // local id
    QString sourcePath;
    QString fileName;
    qint64 sourceSize = 0;
    qint64 sourceModifiedMs = 0;
    QString preparedPath; // what is sent (a scrubbed copy or the source itself)
    qint64 size = 0; // of preparedPath
    QString sha256;
    QString media; // image | video
    QString mime;
    bool keepMetadata = false;
    QStringList metadataFound; // removed before sending (or kept, with keepMetadata)
    QString uploadUrl; // the tus upload's path on the server
    qint64 offset = 0; // confirmed by the server
    State state = State::Preparing;
    QString referenceId;
    double strength = 0.6;
    QString errorCode;
    QString errorMessage; // the server's words, when it gave any
    qint64 createdAtMs = 0;

    // Live figures (not stored).
    qint64 inFlight = 0; // bytes of the current request already sent
    double bytesPerSecond = 0;
    qint64 etaSeconds = -1;
    int retryInSeconds = 0;

    qint64 bytesSent() const { return qMin(size, offset + inFlight); }
    bool isActive() const { return state == State::Uploading || state == State::Retrying; }
    bool isFinished() const { return state == State::Done || state == State::Failed; }
};

} // namespace pygmi::core

Q_DECLARE_METATYPE(pygmi::core::UploadItem)
