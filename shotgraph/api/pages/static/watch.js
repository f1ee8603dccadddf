// The storyboard drives the player: a panel plays the film from its shot, and the shot on
// screen is outlined while the film plays.
const film = document.getElementById("film");
const shots = [...document.querySelectorAll(".shot")];

for (const button of document.querySelectorAll(".seek")) {
  button.addEventListener("click", () => {
    film.currentTime = Number(button.dataset.start);
    film.play();
    film.scrollIntoView({ behavior: "smooth", block: "center" });
  });
}

film.addEventListener("timeupdate", () => {
  const now = film.currentTime;
  let current = null;
  for (const shot of shots) {
    if (Number(shot.dataset.start) <= now) current = shot;
  }
  for (const shot of shots) shot.classList.toggle("playing", shot === current);
});
