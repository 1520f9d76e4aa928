// Scenario for the legacy Web SDK (loaded from /sdk.js) against sig2rtm's legacy port.
(function () {
  var params = new URLSearchParams(location.search);
  var app = "webapp", done = false;
  function log(kind, data) {
    var body = JSON.stringify({kind: kind, data: data === undefined ? null : data});
    fetch("/log", {method: "POST", body: body});
  }
  window.onerror = function (m) { log("error", String(m)); };
  function signal() {
    var s = Signal(app);
    if (params.get("ap_url")) s.setup_debugging("ap_url", params.get("ap_url"));
    if (params.get("lbs")) { s.lbs_url1 = [params.get("lbs")]; s.lbs_url2 = [params.get("lbs")]; }
    return s;
  }
  log("version", signal().getSDKVersion());
  var alice = signal().login("web-alice", "_no_need_token");
  var bob, achan, bchan, call;
  alice.onLoginFailed = function (e) { log("alice_login_failed", e); };
  alice.onLoginSuccess = function (uid) {
    log("alice_login", uid);
    bob = signal().login("web-bob", "_no_need_token");
    bob.onLoginFailed = function (e) { log("bob_login_failed", e); };
    bob.onMessageInstantReceive = function (account, uid, msg) {
      log("bob_msg", [account, msg]);
      achan = alice.channelJoin("web-room");
      achan.onChannelJoined = function () { log("alice_joined"); };
      achan.onChannelUserList = function (list) {
        log("alice_list", list.map(function (m) { return m[0]; }));
        achan.channelSetAttr("topic", "weather");
      };
      achan.onChannelAttrUpdated = function (name, value, type) {
        log("alice_attr", [name, value, type]);
        if (type !== "update" || bchan) return;
        bchan = bob.channelJoin("web-room");
        bchan.onChannelUserList = function (list) {
          log("bob_list", list.map(function (m) { return m[0]; }).sort());
        };
        bchan.onChannelAttrUpdated = function (n, v, t) { log("bob_attr", [n, v, t]); };
        bchan.onChannelJoined = function () {
          log("bob_joined");
          bchan.messageChannelSend("hello room");
        };
        bchan.onMessageChannelReceive = function (account, uid, msg) { log("bob_channel_msg", [account, msg]); };
      };
      achan.onChannelUserJoined = function (account) { log("alice_user_joined", account); };
      achan.onMessageChannelReceive = function (account, uid, msg) {
        log("alice_channel_msg", [account, msg]);
        alice.invoke("io.agora.signal.channel_query_num", {name: "web-room"}, function (err, val) {
          log("alice_query_num", [err, val]);
          call = alice.channelInviteUser2("web-call", "web-bob", JSON.stringify({hello: 1}));
          call.onInviteReceivedByPeer = function () { log("alice_invite_received_by_peer"); };
          call.onInviteAcceptedByPeer = function (extra) {
            log("alice_invite_accepted", extra);
            alice.logout();
          };
          call.onInviteFailed = function (e) { log("alice_invite_failed", e); };
        });
      };
    };
    bob.onInviteReceived = function (c) {
      log("bob_invite", [c.channelName, c.peer, c.extra]);
      c.channelInviteAccept(JSON.stringify({ok: 1}));
    };
    bob.onLoginSuccess = function (uid) {
      log("bob_login", uid);
      alice.messageInstantSend("web-bob", "hello bob");
    };
  };
  alice.onLogout = function (e) { log("alice_logout", e); log("done"); };
})();
