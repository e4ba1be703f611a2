#pragma once

#include "generation/GenerationTypes.h"

#include <QDateTime>
#include <QObject>

namespace pygmi::core {

// Every prompt the user submitted, with all its parameters, in a small SQLite file (WAL) of
// the app's own. It is the user's content: it never goes to a log and never leaves the machine.
class PromptHistory : public QObject
{
    Q_OBJECT

public:
    struct Entry
    {
        qint64 id = 0;
        QDateTime createdAt;
        GenerationRequest request; // without its id: restoring makes a new submission
    };

    // `filePath` is created (with its folder) if needed.
    explicit PromptHistory(const QString &filePath, QObject *parent = nullptr);
    ~PromptHistory() override;

    bool isOpen() const { return m_open; }
    // Records a submitted request; the same prompt and parameters again only move to the top.
    void add(const GenerationRequest &request);
    // Newest first; `text` matches the prompt or negative prompt anywhere, case-insensitively.
    QList<Entry> search(const QString &text = {}, int limit = 100) const;
    void remove(qint64 id);
    void clear();
    int count() const;

Q_SIGNALS:
    void changed();

private:
    QString m_connection;
    bool m_open = false;
};

} // namespace pygmi::core
