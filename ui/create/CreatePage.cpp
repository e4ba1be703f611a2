#include "create/CreatePage.h"

#include "common/Banner.h"
#include "create/Composer.h"
#include "create/ReferencePanel.h"
#include "create/HistoryDialog.h"
#include "create/JobsPanel.h"
#include "create/ResultView.h"
#include "generation/EventStream.h"
#include "generation/GenerationService.h"
#include "generation/JobListModel.h"
#include "generation/PromptHistory.h"
#include "generation/ProviderCatalog.h"

#include <QHBoxLayout>
#include <QScrollArea>
#include <QShortcut>
#include <QSplitter>
#include <QVBoxLayout>

namespace pygmi::ui {

CreatePage::CreatePage(const CreateServices &services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
    , m_composer(new Composer(services.providers, this))
    , m_results(new ResultView(services.cache, this))
    , m_jobs(new JobsPanel(services.jobs, this))
    , m_offline(new Banner(QStringLiteral("offlineBanner"), this))
{
    setObjectName(QStringLiteral("createPage"));
    setAccessibleName(tr("Create"));

    m_composer->setMinimumWidth(250);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("createSplitter"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_composer);
    splitter->addWidget(m_results);
    splitter->addWidget(m_jobs);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setStretchFactor(2, 0);
    splitter->setSizes({ 320, 520, 280 });
    m_jobs->setMinimumWidth(180);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 8);
    layout->setSpacing(8);
    layout->addWidget(m_offline);
    layout->addWidget(splitter, 1);

    // Ctrl+Enter from anywhere on the page, the prompt editor included.
    for (const QKeySequence &keys :
         { QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter) }) {
        auto *shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, &CreatePage::generate);
    }

    if (services.uploads)
        m_composer->setReferencePanel(new ReferencePanel(services.uploads, services.references, m_composer));
    connect(m_composer, &Composer::generateRequested, this, &CreatePage::generate);
    connect(m_composer, &Composer::historyRequested, this, &CreatePage::openHistory);
    connect(m_jobs, &JobsPanel::selectedJobChanged, this, &CreatePage::showSelectedJob);
    connect(m_jobs, &JobsPanel::cancelRequested, this, [this](const QString &id) {
        m_services.generations->cancel(id, this, [this](const core::Generation &, const core::ApiError &error) {
            // A job that finished meanwhile cannot be cancelled; the list already shows that.
            if (error && error.code() != u"not_cancellable")
                m_composer->showFormMessage(error.userMessage());
        });
    });
    connect(m_jobs, &JobsPanel::retryRequested, this, [this](const QString &id) {
        if (const auto job = m_services.jobs->job(id)) {
            core::GenerationRequest request = job->request;
            request.id.clear();
            submit(request, false);
        }
    });
    connect(m_results, &ResultView::remixRequested, this,
            [this](const core::Asset &asset) { m_composer->setRequest(asset.params); });
    connect(m_results, &ResultView::varyRequested, this, [this](const core::Asset &asset) {
        core::GenerationRequest request = asset.params;
        request.id.clear();
        request.seed.reset(); // same everything, a new seed
        submit(request, false);
    });
    connect(m_results, &ResultView::currentAssetChanged, this, [this] {
        const auto asset = m_results->currentAsset();
        m_composer->setReusableSeed(asset ? asset->params.seed : std::nullopt);
    });
    connect(m_services.jobs, &core::JobListModel::jobChanged, this, [this](const QString &id) {
        if (id == m_jobs->selectedJobId())
            showSelectedJob();
    });
    connect(m_services.jobs, &core::JobListModel::assetAdded, this,
            [this](const QString &jobId, const core::Asset &asset) {
                if (jobId == m_results->shownJobId())
                    m_results->addAsset(asset);
            });
    connect(m_services.jobs, &core::JobListModel::reloaded, this, [this] {
        if (m_jobs->selectedJobId().isEmpty() && m_services.jobs->rowCount() > 0)
            m_jobs->selectJob(m_services.jobs->index(0).data(core::JobListModel::IdRole).toString());
    });
    connect(m_services.events, &core::EventStream::stateChanged, this, &CreatePage::updateConnectionBanner);
    updateConnectionBanner();
    if (m_services.jobs->rowCount() > 0)
        m_jobs->selectJob(m_services.jobs->index(0).data(core::JobListModel::IdRole).toString());
}

void CreatePage::generate()
{
    if (m_submitting)
        return;
    const QHash<QString, QString> errors = m_composer->validate();
    m_composer->showFieldErrors(errors);
    if (!errors.isEmpty())
        return;
    submit(m_composer->request(), true);
}

void CreatePage::submit(core::GenerationRequest request, bool fromComposer)
{
    if (m_unanswered && m_unanswered->sameParameters(request))
        request.id = m_unanswered->id;
    else if (request.id.isEmpty())
        request.id = core::GenerationService::newId();
    m_unanswered = request;
    m_submitting = true;
    m_composer->setSubmitting(true);
    if (fromComposer)
        m_composer->showFormMessage({});
    m_services.history->add(request);
    m_services.generations->submit(request, this, [this](const core::Generation &job, const core::ApiError &error) {
        m_submitting = false;
        m_composer->setSubmitting(false);
        if (error) {
            const bool unanswered
                = error.kind() == core::ApiError::Kind::Network || error.kind() == core::ApiError::Kind::Timeout;
            if (!unanswered)
                m_unanswered.reset();
            m_composer->showServerError(error);
            return;
        }
        m_unanswered.reset();
        m_composer->clearErrors();
        if (job.state == core::Generation::State::Blocked && job.moderation)
            m_composer->showFormMessage(
                tr("Not generated: %1 (%2; %3)")
                    .arg(job.moderation->reason, job.moderation->category,
                         job.moderation->automated ? tr("decided automatically") : tr("decided by a person")));
        m_jobs->selectJob(job.id);
        Q_EMIT submitted(job.id);
    });
}

void CreatePage::showSelectedJob()
{
    const QString id = m_jobs->selectedJobId();
    const auto job = m_services.jobs->job(id);
    if (!job) {
        m_results->clearJob();
        return;
    }
    m_results->showJob(*job, m_services.jobs->preview(id));
}

HistoryDialog *CreatePage::historyDialog() const
{
    return m_historyDialog;
}

void CreatePage::openHistory()
{
    if (!m_historyDialog) {
        m_historyDialog = new HistoryDialog(m_services.history, this);
        m_historyDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_historyDialog, &HistoryDialog::restoreRequested, m_composer, &Composer::setRequest);
    }
    m_historyDialog->show();
    m_historyDialog->raise();
}

void CreatePage::updateConnectionBanner()
{
    switch (m_services.events->state()) {
    case core::EventStream::State::Offline:
        m_offline->showMessage(Banner::Kind::Warning,
                               tr("Offline: the connection to the server was lost. Reconnecting by itself… "
                                  "Jobs keep running on the server."));
        break;
    case core::EventStream::State::Connected:
        if (m_offline->isVisible())
            m_services.jobs->reload(); // catch up on anything a replay could not cover
        m_offline->hide();
        break;
    default:
        break;
    }
}

} // namespace pygmi::ui
