// Times as the city's clock reads them (settings.TIME_ZONE, which the page hands over),
// whatever time zone the tablet or phone is set to: a volunteer's borrowed tablet set to
// UTC still shows 10:05 for 10:05 in the city. Shared by the dashboard's scripts:
//
//   var clock = window.hakobouCityClock("Asia/Tokyo");
//   clock.hhmm(date, now)  // "10:05" on the city's today, "9/28 10:05" on another day
//   clock.hhmmss(date)     // "10:05:07"
(function () {
  "use strict";

  function two(n) { return ("0" + n).slice(-2); }

  function cityClock(zone) {
    var format = null;
    try {
      format = new Intl.DateTimeFormat("en-US", {
        timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
        hour: "numeric", minute: "numeric", second: "numeric"
      });
    } catch (unknownZone) { format = null; }  // the device's own clock, as a last resort

    function parts(date) {
      if (!format) {
        return { year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate(),
                 hour: date.getHours(), minute: date.getMinutes(), second: date.getSeconds() };
      }
      var out = {};
      format.formatToParts(date).forEach(function (part) { out[part.type] = Number(part.value); });
      out.hour = out.hour % 24;  // some engines write midnight as 24
      return out;
    }

    return {
      hhmm: function (date, now) {
        var p = parts(date);
        var time = two(p.hour) + ":" + two(p.minute);
        var today = parts(now || new Date());
        if (p.year === today.year && p.month === today.month && p.day === today.day) { return time; }
        return p.month + "/" + p.day + " " + time;
      },
      hhmmss: function (date) {
        var p = parts(date);
        return two(p.hour) + ":" + two(p.minute) + ":" + two(p.second);
      }
    };
  }

  window.hakobouCityClock = cityClock;
})();
