// Step 1: two RTCPeerConnections in one page. Every call is awaited; every failure is shown on the page.
import { appendMessage, clearError, showError, showState } from '/common/ui.js';

const $ = (id) => document.getElementById(id);
const startButton = $('start');
const stopButton = $('stop');

// Each side of the page: its connection, its end of the data channel, and its widgets.
const sideA = { name: 'A', state: $('state-a'), channelState: $('channel-a'), form: $('compose-a'), text: $('text-a'), send: $('send-a'), log: $('log-a') };
const sideB = { name: 'B', state: $('state-b'), channelState: $('channel-b'), form: $('compose-b'), text: $('text-b'), send: $('send-b'), log: $('log-b') };

startButton.addEventListener('click', () => start().catch(fail));
stopButton.addEventListener('click', stop);
for (const side of [sideA, sideB]) {
  side.form.addEventListener('submit', (event) => {
    event.preventDefault();
    send(side);
  });
}

async function start() {
  startButton.disabled = true;
  clearError();
  sideA.pc = new RTCPeerConnection();
  sideB.pc = new RTCPeerConnection();
  for (const side of [sideA, sideB]) {
    side.pc.addEventListener('connectionstatechange', () => showState(side.state, side.pc.connectionState));
  }
  // No server: each connection hands its ICE candidates straight to the other one.
  sideA.pc.addEventListener('icecandidate', ({ candidate }) => sideB.pc.addIceCandidate(candidate).catch(fail));
  sideB.pc.addEventListener('icecandidate', ({ candidate }) => sideA.pc.addIceCandidate(candidate).catch(fail));

  // A opens the channel; B receives it. Creating it before the offer puts it into the SDP.
  useChannel(sideA, sideA.pc.createDataChannel('chat'));
  sideB.pc.addEventListener('datachannel', ({ channel }) => useChannel(sideB, channel));

  const offer = await sideA.pc.createOffer();
  await sideA.pc.setLocalDescription(offer);
  $('offer-sdp').textContent = offer.sdp;
  await sideB.pc.setRemoteDescription(offer);

  const answer = await sideB.pc.createAnswer();
  await sideB.pc.setLocalDescription(answer);
  $('answer-sdp').textContent = answer.sdp;
  await sideA.pc.setRemoteDescription(answer);
  stopButton.disabled = false;
}

function useChannel(side, channel) {
  side.channel = channel;
  showState(side.channelState, channel.readyState);
  const update = () => {
    showState(side.channelState, channel.readyState);
    side.send.disabled = channel.readyState !== 'open';
  };
  channel.addEventListener('open', update);
  channel.addEventListener('close', update);
  channel.addEventListener('message', ({ data }) => appendMessage(side.log, side === sideA ? 'B' : 'A', data));
}

function send(side) {
  const text = side.text.value;
  if (!text || side.channel?.readyState !== 'open') return;
  side.channel.send(text);
  appendMessage(side.log, `${side.name} (you)`, text);
  side.text.value = '';
}

function stop() {
  for (const side of [sideA, sideB]) {
    side.channel?.close();
    side.pc?.close();
    side.channel = side.pc = undefined;
    // close() fires no events, so the page shows the final state itself.
    showState(side.state, 'closed');
    showState(side.channelState, 'closed');
    side.send.disabled = true;
    side.log.replaceChildren();
  }
  $('offer-sdp').textContent = '';
  $('answer-sdp').textContent = '';
  stopButton.disabled = true;
  startButton.disabled = false;
}

// A failed call leaves the page reset, with the error shown, so Start can be tried again.
function fail(error) {
  stop();
  showError(error);
}
