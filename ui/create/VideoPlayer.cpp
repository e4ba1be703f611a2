#include "create/VideoPlayer.h"

#include "create/VideoFrameView.h"

#include <QAudioOutput>
#include <QCheckBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QMediaPlayer>
#include <QSlider>
#include <QStyle>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace pygmi::ui {

namespace {

QString formatTime(qint64 ms)
{
    const qint64 s = ms / 1000;
    return QStringLiteral("%1:%2.%3").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0')).arg((ms % 1000) / 100);
}

// Text glyphs rather than the style's media icons: those are black, invisible on a dark theme.
QToolButton *toolButton(QWidget *parent, const char *name, const QString &accessible, const QString &text)
{
    auto *b = new QToolButton(parent);
    b->setObjectName(QLatin1String(name));
    b->setAccessibleName(accessible);
    b->setToolTip(accessible);
    b->setText(text);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    b->setMinimumWidth(32);
    return b;
}

const QString kPlayGlyph = QStringLiteral("\u25B6");
const QString kPauseGlyph = QStringLiteral("\u275A\u275A");

} // namespace

VideoPlayer::VideoPlayer(QWidget *parent)
    : QWidget(parent)
    , m_player(new QMediaPlayer(this))
    , m_video(new VideoFrameView(this))
    , m_play(toolButton(this, "playButton", tr("Play"), kPlayGlyph))
    , m_back(toolButton(this, "frameBackButton", tr("One frame back"), QStringLiteral("\u25C2|")))
    , m_forward(toolButton(this, "frameForwardButton", tr("One frame forward"), QStringLiteral("|\u25B8")))
    , m_position(new QSlider(Qt::Horizontal, this))
    , m_time(new QLabel(this))
    , m_loop(new QCheckBox(tr("Loop"), this))
    , m_mute(toolButton(this, "muteButton", tr("Mute"), tr("Mute")))
{
    setObjectName(QStringLiteral("videoPlayer"));
    setAccessibleName(tr("Video"));
    // Without a sound server (headless test machines) an audio output only causes trouble, and
    // generated videos are silent anyway.
    if (QGuiApplication::platformName() != u"offscreen") {
        m_audio = new QAudioOutput(this);
        m_player->setAudioOutput(m_audio);
    }
    m_player->setVideoSink(m_video->sink());
    m_video->setObjectName(QStringLiteral("videoSurface"));
    m_video->setAccessibleName(tr("Video picture"));
    m_video->setMinimumSize(200, 150);

    m_position->setObjectName(QStringLiteral("positionSlider"));
    m_position->setAccessibleName(tr("Position"));
    m_time->setObjectName(QStringLiteral("videoTimeLabel"));
    m_time->setMinimumWidth(90);
    m_loop->setObjectName(QStringLiteral("loopCheck"));
    m_loop->setAccessibleName(tr("Loop"));
    m_mute->setCheckable(true);

    auto *controls = new QHBoxLayout;
    controls->setContentsMargins(0, 0, 0, 0);
    controls->addWidget(m_back);
    controls->addWidget(m_play);
    controls->addWidget(m_forward);
    controls->addWidget(m_position, 1);
    controls->addWidget(m_time);
    controls->addWidget(m_loop);
    controls->addWidget(m_mute);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_video, 1);
    layout->addLayout(controls);

    connect(m_play, &QToolButton::clicked, this, &VideoPlayer::togglePlay);
    connect(m_back, &QToolButton::clicked, this, [this] { stepFrame(-1); });
    connect(m_forward, &QToolButton::clicked, this, [this] { stepFrame(1); });
    connect(m_loop, &QCheckBox::toggled, this, &VideoPlayer::setLooping);
    connect(m_mute, &QToolButton::toggled, this, &VideoPlayer::setMuted);
    connect(m_position, &QSlider::sliderMoved, this, [this](int value) { m_player->setPosition(value); });
    connect(m_position, &QSlider::sliderPressed, this, [this] { m_seeking = true; });
    connect(m_position, &QSlider::sliderReleased, this, [this] {
        m_seeking = false;
        m_player->setPosition(m_position->value());
    });
    connect(m_player, &QMediaPlayer::durationChanged, this, [this](qint64 duration) {
        m_position->setRange(0, int(duration));
        updateTime();
    });
    connect(m_player, &QMediaPlayer::positionChanged, this, [this](qint64 position) {
        if (!m_seeking)
            m_position->setValue(int(position));
        updateTime();
    });
    connect(m_player, &QMediaPlayer::playbackStateChanged, this, [this](QMediaPlayer::PlaybackState state) {
        const bool playing = state == QMediaPlayer::PlayingState;
        m_play->setText(playing ? kPauseGlyph : kPlayGlyph);
        m_play->setAccessibleName(playing ? tr("Pause") : tr("Play"));
        m_play->setToolTip(m_play->accessibleName());
    });
    connect(m_player, &QMediaPlayer::mediaStatusChanged, this, [this](QMediaPlayer::MediaStatus status) {
        if (status == QMediaPlayer::EndOfMedia)
            Q_EMIT playedToEnd();
    });
    updateTime();
}

VideoPlayer::~VideoPlayer()
{
    m_player->stop();
}

void VideoPlayer::openFile(const QString &path, double fps)
{
    m_path = path;
    m_fps = fps > 0 ? fps : 24;
    m_player->setSource(QUrl::fromLocalFile(path));
    m_player->play();
}

void VideoPlayer::clear()
{
    m_player->stop();
    m_player->setSource(QUrl());
    m_path.clear();
    m_video->clear();
}

bool VideoPlayer::isLooping() const
{
    return m_loop->isChecked();
}

void VideoPlayer::togglePlay()
{
    if (m_player->playbackState() == QMediaPlayer::PlayingState)
        m_player->pause();
    else
        m_player->play();
}

void VideoPlayer::stepFrame(int frames)
{
    m_player->pause();
    const qint64 frameMs = qint64(1000.0 / m_fps);
    const qint64 target = std::clamp<qint64>(m_player->position() + frames * frameMs, 0, m_player->duration());
    m_player->setPosition(target);
}

void VideoPlayer::setLooping(bool loop)
{
    if (m_loop->isChecked() != loop)
        m_loop->setChecked(loop);
    m_player->setLoops(loop ? QMediaPlayer::Infinite : QMediaPlayer::Once);
}

void VideoPlayer::setMuted(bool muted)
{
    m_muted = muted;
    if (m_mute->isChecked() != muted)
        m_mute->setChecked(muted);
    if (m_audio)
        m_audio->setMuted(muted);
    m_mute->setAccessibleName(muted ? tr("Sound is off; turn it on") : tr("Mute"));
}

void VideoPlayer::updateTime()
{
    m_time->setText(tr("%1 / %2").arg(formatTime(m_player->position()), formatTime(m_player->duration())));
}

} // namespace pygmi::ui
