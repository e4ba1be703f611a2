#pragma once

#include <QWidget>

class QAudioOutput;
class QCheckBox;
class QLabel;
class QMediaPlayer;
class QSlider;
class QToolButton;

namespace pygmi::ui {

class VideoFrameView;

// Plays a downloaded video (Qt Multimedia): play/pause, seek, loop, mute, one frame back or
// forward. It plays local files only: the cache downloads them with the user's credentials.
class VideoPlayer : public QWidget
{
    Q_OBJECT

public:
    explicit VideoPlayer(QWidget *parent = nullptr);
    ~VideoPlayer() override;

    void openFile(const QString &path, double fps);
    void clear();
    QString filePath() const { return m_path; }
    QMediaPlayer *player() const { return m_player; }
    bool isLooping() const;
    bool isMuted() const { return m_muted; }

public Q_SLOTS:
    void togglePlay();
    void stepFrame(int frames);
    void setLooping(bool loop);
    void setMuted(bool muted);

Q_SIGNALS:
    void playedToEnd();

private:
    void updateTime();

    QMediaPlayer *m_player;
    QAudioOutput *m_audio = nullptr;
    VideoFrameView *m_video;
    QToolButton *m_play;
    QToolButton *m_back;
    QToolButton *m_forward;
    QSlider *m_position;
    QLabel *m_time;
    QCheckBox *m_loop;
    QToolButton *m_mute;
    QString m_path;
    double m_fps = 24;
    bool m_muted = false;
    bool m_seeking = false;
};

} // namespace pygmi::ui
