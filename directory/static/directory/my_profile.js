// Shows the chosen photo before it is uploaded; without JavaScript the form works the same.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("id_photo_upload");
  const preview = document.getElementById("photo-preview");
  if (!input || !preview) return;
  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    if (!file) { preview.hidden = true; return; }
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
  });
});
