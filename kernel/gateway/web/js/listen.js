// Turning speech into a command. Where the browser has the Web Speech API it
// transcribes live (interim words shown as they come); otherwise, when the server
// has a speech-to-text model, the microphone is recorded (MediaRecorder) and the
// recording is sent as the `audio` part of the command. With neither, voice is
// not available and the text box is the way in.

const Recognition = globalThis.SpeechRecognition ?? globalThis.webkitSpeechRecognition;

/** Audio formats the server transcribes, best first. */
const RECORDING_TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];

/** Longest recording, so a stuck button cannot record forever. */
const MAX_RECORDING_MS = 120_000;

const SPEECH_ERRORS = {
  "not-allowed": "The microphone is blocked for this page; allow it in the browser's site settings, or type.",
  "service-not-allowed": "This browser does not allow speech recognition here; type instead.",
  "audio-capture": "No microphone was found; type instead.",
  network: "The browser's speech recognition service cannot be reached.",
  "no-speech": "I heard nothing. Hold the button while you speak.",
};

export class Listener {
  /**
   * `onInterim(text)` while words come in, `onFinal(text)` with what was said,
   * `onAudio(blob)` with a recording, `onState(listening)`, `onError(message)`.
   */
  constructor(handlers) {
    Object.assign(this, handlers);
    this.speechToText = false;
    this.speechBroken = false;
    this.session = null;
  }

  /** How voice works here: "speech" (browser), "record" (server), or "none". */
  get mode() {
    if (Recognition && !this.speechBroken) return "speech";
    if (this.speechToText && globalThis.MediaRecorder && navigator.mediaDevices?.getUserMedia) {
      return "record";
    }
    return "none";
  }

  get active() {
    return this.session !== null;
  }

  /** Starts listening; false (after onError) when voice is not available. */
  start() {
    if (this.active) return true;
    const mode = this.mode;
    if (mode === "speech") return this.startSpeech();
    if (mode === "record") return this.startRecording();
    this.onError(
      Recognition
        ? "Speech recognition failed in this browser and the server has no speech-to-text model; type the command instead."
        : "Voice needs speech recognition in the browser, or a speech-to-text model on the server (see the user guide). Type the command instead.",
    );
    return false;
  }

  /** Stops listening; what was heard is delivered through onFinal/onAudio. */
  stop() {
    this.session?.stop();
  }

  startSpeech() {
    const rec = new Recognition();
    rec.lang = navigator.language || "en-US";
    rec.interimResults = true;
    rec.continuous = true;
    rec.maxAlternatives = 1;
    let final = "";
    let shown = "";
    let failed = false;
    rec.onresult = (event) => {
      let interim = "";
      final = "";
      for (const result of event.results) {
        if (result.isFinal) final += result[0].transcript;
        else interim += result[0].transcript;
      }
      shown = (final + " " + interim).trim();
      this.onInterim(shown);
    };
    rec.onerror = (event) => {
      failed = true;
      if (event.error === "aborted") return;
      if (event.error === "network" || event.error === "service-not-allowed") {
        // Chromium builds without Google's service: use the server's model next time.
        this.speechBroken = true;
      }
      const fallback = this.speechBroken && this.mode === "record" ? " Press again to record instead." : "";
      this.onError((SPEECH_ERRORS[event.error] ?? `Speech recognition failed (${event.error}).`) + fallback);
    };
    rec.onend = () => {
      this.session = null;
      this.onState(false);
      // What the person last saw is what is sent, even if the recogniser had
      // not finalised it when they let go.
      const text = final.trim() || (failed ? "" : shown);
      if (text) this.onFinal(text);
      else if (!failed) this.onInterim("");
    };
    this.session = { stop: () => rec.stop() };
    this.onState(true);
    try {
      rec.start();
    } catch (error) {
      this.session = null;
      this.onState(false);
      this.onError(`Speech recognition did not start: ${error.message}`);
      return false;
    }
    return true;
  }

  startRecording() {
    let stopped = false;
    let recorder = null;
    this.session = {
      stop: () => {
        stopped = true;
        if (recorder?.state === "recording") recorder.stop();
      },
    };
    this.onState(true);
    this.onInterim("Recording… release or press again to send.");
    navigator.mediaDevices
      .getUserMedia({ audio: true })
      .then((stream) => {
        const type = RECORDING_TYPES.find((t) => MediaRecorder.isTypeSupported(t));
        recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
        const chunks = [];
        recorder.ondataavailable = (event) => event.data.size && chunks.push(event.data);
        recorder.onstop = () => {
          stream.getTracks().forEach((track) => track.stop());
          clearTimeout(limit);
          this.session = null;
          this.onState(false);
          this.onInterim("");
          const blob = new Blob(chunks, { type: recorder.mimeType || type || "audio/webm" });
          if (blob.size) this.onAudio(blob);
        };
        const limit = setTimeout(() => recorder.state === "recording" && recorder.stop(), MAX_RECORDING_MS);
        recorder.start();
        if (stopped) recorder.stop();
      })
      .catch((error) => {
        this.session = null;
        this.onState(false);
        this.onInterim("");
        this.onError(`The microphone could not be opened (${error.name}); type the command instead.`);
      });
    return true;
  }
}
