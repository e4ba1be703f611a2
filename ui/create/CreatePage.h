#pragma once

#include "create/CreateServices.h"
#include "generation/GenerationTypes.h"

#include <QPointer>
#include <QWidget>
#include <optional>

namespace pygmi::ui {

class Banner;
class Composer;
class HistoryDialog;
class JobsPanel;
class ResultView;

// Create: the composer on the left, the result being looked at in the middle, the jobs on the
// right. Ctrl+Enter generates.
class CreatePage : public QWidget
{
    Q_OBJECT

public:
    CreatePage(const CreateServices &services, QWidget *parent = nullptr);

    Composer *composer() const { return m_composer; }
    JobsPanel *jobsPanel() const { return m_jobs; }
    ResultView *resultView() const { return m_results; }
    HistoryDialog *historyDialog() const;

public Q_SLOTS:
    void generate();
    void openHistory();

Q_SIGNALS:
    // A job was accepted by the server after the user asked for it.
    void submitted(const QString &jobId);

private:
    void submit(core::GenerationRequest request, bool fromComposer);
    void showSelectedJob();
    void updateConnectionBanner();

    CreateServices m_services;
    Composer *m_composer;
    ResultView *m_results;
    JobsPanel *m_jobs;
    Banner *m_offline;
    QPointer<HistoryDialog> m_historyDialog;
    // The last submission whose answer never came: pressing Generate again with the same
    // parameters resends it with the same id, so the server cannot make it twice.
    std::optional<core::GenerationRequest> m_unanswered;
    bool m_submitting = false;
};

} // namespace pygmi::ui
