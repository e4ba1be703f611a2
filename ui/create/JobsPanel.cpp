#include "create/JobsPanel.h"

#include "create/JobDelegate.h"
#include "generation/JobListModel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QVBoxLayout>

namespace pygmi::ui {

JobsPanel::JobsPanel(core::JobListModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new QListView(this))
    , m_empty(new QLabel(tr("No jobs yet."), this))
    , m_details(new QLabel(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_retry(new QPushButton(tr("Retry"), this))
{
    setObjectName(QStringLiteral("jobsPanel"));
    setAccessibleName(tr("Jobs"));
    auto *title = new QLabel(tr("Jobs"), this);
    title->setObjectName(QStringLiteral("jobsTitle"));
    QFont font = title->font();
    font.setBold(true);
    title->setFont(font);

    m_view->setObjectName(QStringLiteral("jobsList"));
    m_view->setAccessibleName(tr("Jobs"));
    m_view->setModel(model);
    m_view->setItemDelegate(new JobDelegate(m_view));
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setUniformItemSizes(false);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setSpacing(1);
    m_empty->setObjectName(QStringLiteral("jobsEmptyLabel"));
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setWordWrap(true);

    m_details->setObjectName(QStringLiteral("jobDetailsLabel"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->hide();
    m_cancel->setObjectName(QStringLiteral("cancelJobButton"));
    m_cancel->setAccessibleName(tr("Cancel the selected job"));
    m_retry->setObjectName(QStringLiteral("retryJobButton"));
    m_retry->setAccessibleName(tr("Retry the selected job"));

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_retry);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(title);
    layout->addWidget(m_empty);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_details);
    layout->addLayout(buttons);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        updateDetails();
        Q_EMIT selectedJobChanged(selectedJobId());
    });
    connect(model, &QAbstractItemModel::dataChanged, this, &JobsPanel::updateDetails);
    connect(model, &QAbstractItemModel::rowsInserted, this, &JobsPanel::updateDetails);
    connect(model, &QAbstractItemModel::modelReset, this, &JobsPanel::updateDetails);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (!selectedJobId().isEmpty())
            Q_EMIT cancelRequested(selectedJobId());
    });
    connect(m_retry, &QPushButton::clicked, this, [this] {
        if (!selectedJobId().isEmpty())
            Q_EMIT retryRequested(selectedJobId());
    });
    updateDetails();
}

QString JobsPanel::selectedJobId() const
{
    return m_view->currentIndex().data(core::JobListModel::IdRole).toString();
}

void JobsPanel::selectJob(const QString &id)
{
    const int row = m_model->rowOf(id);
    if (row >= 0)
        m_view->setCurrentIndex(m_model->index(row));
}

void JobsPanel::updateDetails()
{
    m_empty->setVisible(m_model->rowCount() == 0);
    const auto job = m_model->job(selectedJobId());
    using State = core::Generation::State;
    m_cancel->setEnabled(job && !job->isFinal());
    m_retry->setEnabled(job && (job->state == State::Failed || job->state == State::Cancelled));
    if (!job) {
        m_details->hide();
        return;
    }
    QString text;
    if (job->state == State::Blocked && job->moderation) {
        const auto &m = *job->moderation;
        text = tr("Blocked: %1\nCategory: %2 · %3\nDecision %4")
                   .arg(m.reason, QString(m.category).replace(u'_', u' '),
                        m.automated ? tr("decided automatically") : tr("decided by a person"), m.decisionId);
    } else if (job->state == State::Failed) {
        text = tr("Failed: %1").arg(core::generationFailureText(job->errorCode, job->errorMessage));
    } else {
        text = JobDelegate::stateText(*job);
    }
    m_details->setText(text);
    m_details->setAccessibleName(text);
    m_details->show();
}

} // namespace pygmi::ui
