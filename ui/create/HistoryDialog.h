#pragma once

#include "generation/GenerationTypes.h"

#include <QDialog>

class QLineEdit;
class QListWidget;
class QPushButton;

namespace pygmi::core {
class PromptHistory;
}

namespace pygmi::ui {

// The prompts submitted on this computer, newest first, searchable; one click restores every
// parameter into the composer.
class HistoryDialog : public QDialog
{
    Q_OBJECT

public:
    HistoryDialog(core::PromptHistory *history, QWidget *parent = nullptr);

    void setSearchText(const QString &text);
    int resultCount() const;
    // Restores row `row` (as the user's click would).
    void restoreRow(int row);

Q_SIGNALS:
    void restoreRequested(const pygmi::core::GenerationRequest &request);

private:
    void refill();

    core::PromptHistory *m_history;
    QLineEdit *m_search;
    QListWidget *m_list;
    QPushButton *m_clear;
    QList<core::GenerationRequest> m_shown;
};

} // namespace pygmi::ui
